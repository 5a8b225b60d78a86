"""Open data: the public allocation files, their schema and the DCAT-AP-SE catalogue."""
