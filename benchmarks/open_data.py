"""Measures the public open-data pages cold (built) against warm (from the cache): the
catalogue as Turtle and RDF/XML, the index and one CSV file, at national size.

Run against a scratch PostgreSQL database (it creates the organisations the first time and
leaves them there, so a second run only measures):
    DATABASE_URL=postgres://…/opendata_bench .venv/bin/python benchmarks/open_data.py
    … benchmarks/open_data.py --organisations 293 --allocations 60 --runs 9

Cold and warm requests are interleaved (cold, warm, cold, warm …) so that the machine's
load falls on both alike; each is reported as the median with min–max of wall and CPU
(process) time, with the queries of the last request and the load average before and
after. A cold request clears the cache first. Results are written up in
docs/performance.md; no test asserts timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
os.environ.setdefault("DJANGO_SITE_URL", "https://medel.example.se")
os.environ.setdefault("DJANGO_OPEN_DATA_CONTACT_EMAIL", "oppnadata@example.se")

COUNTIES = ("01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
            "14", "17", "18", "19", "20", "21", "22", "23", "24", "25")  # fmt: skip
YEAR = 2025
AREAS = 6


def generate(organisations: int, allocations: int) -> None:
    """`organisations` kommuner with a decided YEAR, each with `allocations` allocations
    over AREAS areas. Skips organisations that exist already."""
    import datetime

    from django.db import transaction

    from funds.models import Agreement, Allocation, Organisation, PriorityArea, Recipient

    for n in range(organisations):
        code = f"{COUNTIES[n % len(COUNTIES)]}{50 + n // len(COUNTIES):02d}"
        if Organisation.objects.filter(code=code).exists():
            continue
        with transaction.atomic():
            org = Organisation.objects.create(code=code, name=f"Mätkommun {code}", kind="kommun")
            agreement = Agreement.objects.create(
                organisation=org,
                year=YEAR,
                title=f"Överenskommelse {YEAR}",
                status=Agreement.Status.DECIDED,
                decided_on=datetime.date(YEAR, 2, 1),
            )
            areas = PriorityArea.objects.bulk_create(
                PriorityArea(
                    agreement=agreement,
                    number=i + 1,
                    name=f"Område {i + 1}",
                    granted=Decimal("1000000.00"),
                    own_priority_reason="Mätdata",
                )
                for i in range(AREAS)
            )
            recipients = Recipient.objects.bulk_create(
                Recipient(organisation=org, name=f"Mottagare {i}", kind="district")
                for i in range(max(1, allocations // AREAS))
            )
            Allocation.objects.bulk_create(
                Allocation(priority_area=area, recipient=recipient, amount=Decimal("1000.50"))
                for area in areas
                for recipient in recipients
            )


def _request(client, url: str, *, cold: bool) -> tuple[float, float, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 200, (url, response.status_code)
    return wall * 1000, cpu * 1000, len(queries)


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f} ({min(values):.1f}–{max(values):.1f})"


def measure(url: str, runs: int) -> None:
    from django.test import Client

    client = Client()
    client.get(url, secure=True)  # imports, connections
    load_before = os.getloadavg()[0]
    results: dict[bool, list[tuple[float, float, int]]] = {True: [], False: []}
    for _ in range(runs):
        for cold in (True, False):
            results[cold].append(_request(client, url, cold=cold))
    load_after = os.getloadavg()[0]
    cold, warm = results[True], results[False]
    ratio = statistics.median(c[0] for c in cold) / statistics.median(w[0] for w in warm)
    cpu_ratio = statistics.median(c[1] for c in cold) / statistics.median(w[1] for w in warm)
    print(
        f"{url:48} cold {_summary([c[0] for c in cold])} ms wall "
        f"{_summary([c[1] for c in cold])} ms CPU, {cold[-1][2]} queries | "
        f"warm {_summary([w[0] for w in warm])} ms wall {_summary([w[1] for w in warm])} "
        f"ms CPU, {warm[-1][2]} queries | cold/warm {ratio:.0f}× wall, {cpu_ratio:.0f}× CPU "
        f"| load {load_before:.2f}→{load_after:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=293)
    parser.add_argument("--allocations", type=int, default=60)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from funds.models import Agreement, Allocation

    settings.DEBUG = False
    generate(args.organisations, args.allocations)
    published = Agreement.objects.filter(status__in=("decided", "follow_up", "closed"))
    print(
        f"{published.count()} published years, "
        f"{Allocation.objects.filter(priority_area__agreement__in=published).count()} "
        f"allocations; {args.runs} interleaved cold/warm pairs; medians (min–max)"
    )
    first = published.select_related("organisation").order_by("pk").first()
    for url in (
        reverse("open_data_catalogue_ttl"),
        reverse("open_data_catalogue_rdf"),
        reverse("open_data_index"),
        reverse("open_data_allocations_csv", args=[first.organisation.code, first.year]),
    ):
        measure(url, args.runs)


if __name__ == "__main__":
    main()
