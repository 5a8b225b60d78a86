"""The national follow-up (Socialstyrelsen's enkät): checks, the workbook and its pages."""
