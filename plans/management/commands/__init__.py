"""Management commands of plans: the demo plan."""
