"""Setting up a year: the mapping of local to national areas, the lineage of areas between
years, starting a new year from the last, IOP partnerships and the national reference data
an administrator edits (see docs/architecture.md, "Year set-up")."""
