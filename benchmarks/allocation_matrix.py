"""Measures the allocation matrix: server time of the page and of a cell save.

Run against a scratch database (it loads the demo data and adds synthetic recipients):
    DATABASE_URL=postgres://…/bench .venv/bin/python benchmarks/allocation_matrix.py
Results are reported in docs/performance.md; no test asserts timings.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from funds.models import Agreement, Allocation, Recipient  # noqa: E402


def timed(fn, repeat=20):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    agreement = Agreement.objects.get(organisation__code="0180", year=2024)
    organisation = agreement.organisation
    for i in range(60 - Recipient.objects.filter(organisation=organisation).count()):
        Recipient.objects.get_or_create(
            organisation=organisation,
            name=f"Benchmark-mottagare {i:02d}",
            defaults={"kind": "other"},
        )
    client = Client()
    client.login(username="samordnare", password="demo")
    url = "/0180/2024/fordelning/"
    response = client.get(url)
    rows = Recipient.objects.filter(organisation=organisation).valid_in_year(2024).count()
    median, worst = timed(lambda: client.get(url))
    print(
        f"matrix page: {rows} recipients x 4 areas, "
        f"{len(response.content) // 1024} KiB, median {median:.1f} ms, max {worst:.1f} ms"
    )

    area = agreement.priority_areas.order_by("number").first()
    recipient = Recipient.objects.get(organisation=organisation, name="Bromma stadsdelsförvaltning")
    key = f"{area.pk}-{recipient.pk}"
    amounts = iter(range(100000, 10**9, 1000))

    def save():
        version = (
            Allocation.objects.filter(priority_area=area, recipient=recipient)
            .values_list("version", flat=True)
            .first()
            or 0
        )
        response = client.post(
            f"/0180/2024/fordelning/cell/{area.pk}/{recipient.pk}/",
            {f"amount-{key}": str(next(amounts)), f"version-{key}": version},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and b"hx-swap-oob" in response.content

    save()
    median, worst = timed(save)
    print(
        f"cell save (htmx): median {median:.1f} ms, max {worst:.1f} ms "
        f"(client-side round trip in-process, includes the version read)"
    )


if __name__ == "__main__":
    main()
