"""Measures the public open-data pages cold (built) against warm (from the cache): the
catalogue as Turtle and RDF/XML, the index and one CSV file, at national size.

Uses the national database of benchmarks/national.py (built if missing): 293 kommuner with
a decided 2024 each, 183 200 published allocations. Run against a scratch PostgreSQL
database:
    DATABASE_URL=postgres://…/ph_bench .venv/bin/python benchmarks/open_data.py [--runs 9]

Every answer is requested cold (the cache cleared first) and warm, and all of them are
interleaved (each round: every page cold, then warm), so that the machine's load falls on
all alike; each is reported as the median with min–max of wall and this process's CPU
time, with the queries of the last request, and the load average at start and end.
Results are written up in docs/performance.md; no test asserts timings.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
os.environ.setdefault("DJANGO_SITE_URL", "https://medel.example.se")
os.environ.setdefault("DJANGO_OPEN_DATA_CONTACT_EMAIL", "oppnadata@example.se")


def _request(client, url: str, *, cold: bool) -> int:
    """One request, cold or warm; the number of queries it made."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    # benchmarks.national sets Django up with the settings above.
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from benchmarks.national import YEAR, national_build
    from benchmarks.timing import interleaved
    from funds.models import Agreement, Allocation

    settings.DEBUG = False
    national_build(quiet=True)
    published = Agreement.objects.filter(status__in=("decided", "follow_up", "closed"))
    print(
        f"{published.count()} published years, "
        f"{Allocation.objects.filter(priority_area__agreement__in=published).count()} "
        f"allocations; {args.runs} interleaved rounds; median (min–max) wall ms "
        "[this process's CPU ms]"
    )
    first = published.filter(year=YEAR).select_related("organisation").order_by("pk").first()
    urls = [
        reverse("open_data_catalogue_ttl"),
        reverse("open_data_catalogue_rdf"),
        reverse("open_data_index"),
        reverse("open_data_allocations_csv", args=[first.organisation.code, first.year]),
    ]
    client = Client()
    queries: dict = {}

    def target(url: str, cold: bool):
        def request() -> None:
            queries[url, cold] = _request(client, url, cold=cold)

        return request

    targets = {(url, cold): target(url, cold) for url in urls for cold in (True, False)}
    times, load = interleaved(targets, args.runs)
    print(f"load average (1/5/15 min) {load}")
    print("| answer | cold | warm | queries cold / warm | cold ÷ warm (wall, CPU) |")
    print("|---|---|---|---|---|")
    for url in urls:
        cold, warm = times[url, True], times[url, False]
        print(
            f"| `{url}` | {cold.text(1)} | {warm.text(1)} | {queries[url, True]} / "
            f"{queries[url, False]} | {cold.wall / warm.wall:.0f}×, {cold.cpu / warm.cpu:.0f}× |"
        )


if __name__ == "__main__":
    main()
