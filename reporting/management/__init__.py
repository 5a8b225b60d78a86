"""Management commands of reporting."""
