"""Management commands of the calls app."""
