"""Management commands of funds: demo, imports, reference data, starting a year."""
