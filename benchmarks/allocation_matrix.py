"""Measures the allocation matrix at two sizes, beside Django's admin changelist.

Builds two synthetic organisations in the database it is given (40 recipients × 5 areas and
300 recipients × 8 areas, every cell filled) and measures, in-process with Django's test
client, the server time of:
- the matrix page,
- the Django admin changelist of the same allocations (every row on one page),
- a single cell save (the htmx answer: the cell and the totals it changed),
- a pasted block of 300 × 8 = 2 400 cells (the JSON batch save, request and redirect), and
  the same block through the workflow set-based (`allocations_set_many`) beside the
  previous algorithm, one `allocation_set` per cell in one transaction, kept here as the
  reference,
and the matrix page's bytes per cell.

Run against a scratch database:
    DATABASE_URL=postgres://…/ph_bench .venv/bin/python benchmarks/allocation_matrix.py
Results are reported in docs/performance.md; no test asserts timings.
"""

import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from funds.allocation.workflows import (  # noqa: E402
    CellChange,
    allocation_set,
    allocations_set_many,
)
from funds.models import (  # noqa: E402
    Agreement,
    Allocation,
    Membership,
    NationalAgreement,
    NationalArea,
    Organisation,
    PriorityArea,
    Recipient,
)

SIZES = [(40, 5, "9940", 2090), (300, 8, "9941", 2091)]
PASTE = (300, 8, "9942", 2092)
KINDS = list(Recipient.Kind.values)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def sample(fn) -> tuple[float, float]:
    """(wall ms, this process's CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def run_interleaved(targets: dict, rounds: int) -> dict:
    """Every target once per round, round after round, so that the load of a shared machine
    falls on all of them alike. Median wall and CPU time per target."""
    for fn in targets.values():
        fn()  # warm up
    samples = {name: [] for name in targets}
    for _ in range(rounds):
        for name, fn in targets.items():
            samples[name].append(sample(fn))
    return {
        name: (
            statistics.median(wall for wall, _ in runs),
            statistics.median(cpu for _, cpu in runs),
        )
        for name, runs in samples.items()
    }


def organisation_build(recipients: int, areas: int, code: str, year: int) -> Agreement:
    organisation, _ = Organisation.objects.get_or_create(
        code=code, defaults={"name": f"Benchmarkkommun {code}", "kind": "municipality"}
    )
    agreement, created = Agreement.objects.get_or_create(
        organisation=organisation, year=year, defaults={"title": f"Benchmark {year}"}
    )
    if not created:
        return agreement
    national, _ = NationalAgreement.objects.get_or_create(
        year=year, defaults={"title": f"Nationell överenskommelse {year}"}
    )
    area_rows = []
    for number in range(1, areas + 1):
        national_area = None
        if number % 2:
            national_area, _ = NationalArea.objects.get_or_create(
                national_agreement=national,
                number=number,
                defaults={"name": f"Nationellt område {number}", "short_name": f"Nat {number}"},
            )
        area_rows.append(
            PriorityArea.objects.create(
                agreement=agreement,
                number=number,
                name=f"Prioriterat område {number} med ett långt namn",
                granted=Decimal(recipients * 150_000),
                national_area=national_area,
                own_priority_reason="" if national_area else "Lokal prioritering",
            )
        )
    recipient_rows = Recipient.objects.bulk_create(
        Recipient(organisation=organisation, name=f"Mottagare {i:03d}", kind=KINDS[i % 4])
        for i in range(recipients)
    )
    Allocation.objects.bulk_create(
        Allocation(priority_area=area, recipient=recipient, amount=Decimal(100_000 + i))
        for i, (area, recipient) in enumerate(
            (area, recipient) for area in area_rows for recipient in recipient_rows
        )
    )
    user, _ = User.objects.get_or_create(username=f"bench-{code}")
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": "coordinator"}
    )
    return agreement


def targets(agreement: Agreement, recipients: int, areas: int) -> dict:
    """The three requests measured at one size, as callables."""
    client = Client()
    client.force_login(User.objects.get(username=f"bench-{agreement.organisation.code}"))
    url = f"/{agreement.organisation.code}/{agreement.year}/fordelning/"
    response = client.get(url)
    assert response.status_code == 200, response.status_code

    superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin", "bench@example.invalid", "x"
    )
    admin_client = Client()
    admin_client.force_login(superuser)
    admin_url = f"/admin/funds/allocation/?priority_area__agreement__year={agreement.year}"
    response = admin_client.get(admin_url)
    assert response.status_code == 200
    assert response.content.count(b"<tr>") >= recipients * areas

    area = PriorityArea.objects.filter(agreement=agreement).order_by("number").first()
    recipient = Recipient.objects.filter(organisation=agreement.organisation).order_by("name")[0]
    key = f"{area.pk}-{recipient.pk}"
    # Never an amount a cell already holds (they hold 100 000 + i): every save changes it.
    amounts = iter(range(10**8, 10**9, 1000))
    versions = [Allocation.objects.get(priority_area=area, recipient=recipient).version]

    def save():
        response = client.post(
            f"{url}cell/{area.pk}/{recipient.pk}/",
            {f"amount-{key}": str(next(amounts)), f"version-{key}": versions[0]},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and b"hx-swap-oob" in response.content, response
        versions[0] += 1

    size = f"{recipients} × {areas}"
    return {
        (size, "page"): lambda: client.get(url),
        (size, "changelist"): lambda: admin_client.get(admin_url),
        (size, "save"): save,
    }


def paste_targets(agreement: Agreement) -> dict:
    """A pasted block of every cell: over HTTP, through the set-based workflow, and one
    `allocation_set` per cell (the previous algorithm). Each changes every cell."""
    client = Client()
    user = User.objects.get(username=f"bench-{agreement.organisation.code}")
    client.force_login(user)
    url = f"/{agreement.organisation.code}/{agreement.year}/fordelning/"
    areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
    for area in areas:
        area.agreement = agreement
    recipients = list(Recipient.objects.filter(organisation=agreement.organisation))
    stored = {
        (a.priority_area_id, a.recipient_id): a.version
        for a in Allocation.objects.filter(priority_area__agreement=agreement)
    }
    cells = [(area, recipient) for area in areas for recipient in recipients]
    state = {"version": max(stored.values()), "amount": 10**7}
    assert set(stored.values()) == {state["version"]}

    def changes():
        state["amount"] += 1
        return [CellChange(a, r, Decimal(state["amount"]), state["version"]) for a, r in cells]

    def by_http():
        rows = [
            [f"{c.area.pk}-{c.recipient.pk}", str(c.amount), str(c.expected_version)]
            for c in changes()
        ]
        response = client.post(url, {"celler": json.dumps(rows)})
        assert response.status_code == 302, response.status_code
        state["version"] += 1

    def set_based():
        allocations_set_many(changes=changes(), user=user)
        state["version"] += 1

    def one_at_a_time():
        with transaction.atomic():
            for change in changes():
                allocation_set(
                    area=change.area,
                    recipient=change.recipient,
                    amount=change.amount,
                    expected_version=change.expected_version,
                    user=user,
                )
        state["version"] += 1

    return {
        "paste over HTTP": by_http,
        "paste, set-based workflow": set_based,
        "paste, one allocation_set per cell": one_at_a_time,
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    # The changelist of the same allocations, every row on one page (no pagination).
    admin.site.get_model_admin(Allocation).list_per_page = 100_000
    all_targets = {}
    for recipients, areas, code, year in SIZES:
        all_targets.update(
            targets(organisation_build(recipients, areas, code, year), recipients, areas)
        )
    all_targets.update(paste_targets(organisation_build(*PASTE)))
    times = run_interleaved(all_targets, ROUNDS)
    print(f"load average before the run: {LOAD_BEFORE}, after: {os.getloadavg()}")
    print(f"median of {ROUNDS} interleaved rounds; wall ms (this process's CPU ms)")
    print("| size | matrix page | per cell | admin changelist | ratio | cell save |")
    print("|---|---|---|---|---|---|")
    saves = []
    for recipients, areas, _, _ in SIZES:
        size, cells = f"{recipients} × {areas}", recipients * areas
        (page, page_cpu), (admin_wall, admin_cpu), (save, save_cpu) = (
            times[size, name] for name in ("page", "changelist", "save")
        )
        saves.append((save, save_cpu))
        print(
            f"| {size} | {page:.0f} ms ({page_cpu:.0f}) | {page / cells * 1000:.0f} µs "
            f"({page_cpu / cells * 1000:.0f}) | {admin_wall:.0f} ms ({admin_cpu:.0f}) "
            f"| {admin_wall / page:.2f}× ({admin_cpu / page_cpu:.2f}×) "
            f"| {save:.1f} ms ({save_cpu:.1f}) |"
        )
    (small, small_cpu), (large, large_cpu) = saves
    print(
        f"cell save, largest ÷ smallest: {large / small:.2f}× ({large_cpu / small_cpu:.2f}× CPU). "
        "Ratio = admin changelist time ÷ matrix page time for the same allocations "
        "(above 1: the matrix is faster)."
    )
    report_paste(times)
    report_bytes()


def report_paste(times: dict) -> None:
    cells = PASTE[0] * PASTE[1]
    print(f"paste of {cells} cells, median wall ms (CPU ms):")
    for name in (
        "paste over HTTP",
        "paste, set-based workflow",
        "paste, one allocation_set per cell",
    ):
        wall, cpu = times[name]
        print(f"- {name}: {wall:.0f} ms ({cpu:.0f})")
    (new, new_cpu), (old, old_cpu) = (
        times[name] for name in ("paste, set-based workflow", "paste, one allocation_set per cell")
    )
    print(f"one at a time ÷ set-based: {old / new:.1f}× wall ({old_cpu / new_cpu:.1f}× CPU)")


def report_bytes() -> None:
    for recipients, areas, code, year in SIZES:
        client = Client()
        client.force_login(User.objects.get(username=f"bench-{code}"))
        body = client.get(f"/{code}/{year}/fordelning/").content
        zipped = client.get(f"/{code}/{year}/fordelning/", HTTP_ACCEPT_ENCODING="gzip")
        print(
            f"{recipients} × {areas}: {len(body)} bytes, {len(body) / (recipients * areas):.0f} "
            f"per cell; with gzip {len(zipped.content)} bytes "
            f"({zipped.get('Content-Encoding', 'not compressed')})"
        )


if __name__ == "__main__":
    LOAD_BEFORE = os.getloadavg()
    main()
