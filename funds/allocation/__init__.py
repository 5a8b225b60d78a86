"""Allocation: the matrix, its workflows, Excel in and out, and starting a year from the last."""
