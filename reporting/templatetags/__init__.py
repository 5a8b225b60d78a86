"""Template tags of reporting."""
