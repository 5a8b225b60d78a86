"""Management commands of plans."""
