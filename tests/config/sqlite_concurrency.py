"""Driver for test_sqlite_busy.py, run in its own process so that Django is configured for a
SQLite file (the demo's set-up) rather than the suite's PostgreSQL.

Usage: python -m tests.config.sqlite_concurrency DB_PATH SAVES
Prints one JSON line: the status codes of the parallel saves and the allocations stored.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter


def main(db_path: str, saves: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from funds.models import Allocation, Membership, Organisation, Recipient
    from tests import factories as f

    call_command("migrate", verbosity=0)
    org = f.organisation(name="Samtidiga kommunen")
    agreement = f.agreement(org, 2024)
    area = f.area(agreement, "100000000.00")
    recipients = [f.recipient(org, name=f"Förvaltning {i}") for i in range(saves)]
    user = f.user(org, "coordinator")
    connection.close()

    barrier = threading.Barrier(saves)
    statuses: list[int] = []
    lock = threading.Lock()

    def save(recipient: Recipient) -> None:
        client = Client()
        client.force_login(user)
        key = f"{area.pk}-{recipient.pk}"
        url = reverse("allocation_cell", args=[org.code, agreement.year, area.pk, recipient.pk])
        barrier.wait()
        response = client.post(
            url, {f"amount-{key}": "1000", f"version-{key}": "0"}, HTTP_HX_REQUEST="true"
        )
        with lock:
            statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=save, args=(r,)) for r in recipients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stored = Allocation.objects.filter(priority_area=area).count()
    assert Membership.objects.filter(organisation=org).exists()
    assert Organisation.objects.count() == 1
    print(json.dumps({"statuses": dict(Counter(statuses)), "stored": stored}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
