"""Template tags of the calls app."""
