"""Pages of calls for applications, one module per audience."""
