"""Template tags of funds: money and people."""
