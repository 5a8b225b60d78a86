"""python manage.py backup_fingerprint: print the database's balances and document hashes as
JSON, to compare a restored database with the live one by hand (backup_verify compares a
dump with its own manifest instead)."""

import json

from django.core.management.base import BaseCommand

from reporting.backup import fingerprint


class Command(BaseCommand):
    help = "Skriver ut saldon per överenskommelse och SHA-256 för utfärdade dokument som JSON."

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(fingerprint(), sort_keys=True))
