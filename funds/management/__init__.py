"""Management commands of funds."""
