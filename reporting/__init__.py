"""Reporting: the tjänsteutlåtande, the national enkät, open data, coverage and backups."""
