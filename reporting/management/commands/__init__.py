"""Management commands of reporting: documents, enkät, backups."""
