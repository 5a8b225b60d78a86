"""The analysis of the year's insatser, as the national lägesrapport does it (issue 24)."""
