"""Measures the allocation matrix on the national-scale data, beside Django's admin changelist.

Uses the national database of benchmarks/national.py (built if missing): a typical kommun
(100 recipients × 6 areas) and the large one (1 000 × 8), their 2024 decided, every cell
filled. In-process with Django's test client, interleaved (every target once per round,
round after round, so the load of a shared machine falls on all alike), it measures:
- the matrix page,
- the Django admin changelist of the same allocations (every row on one page),
- a single cell save (the htmx answer: the cell and the totals it changed),
- a pasted block of 300 recipients × 8 areas = 2 400 cells of the large kommun (the JSON
  batch save, request and redirect), and the same block through the set-based workflow
  (`allocations_set_many`) beside its previous version, whose audit trail was written
  with `bulk_create` (kept here as the reference, `_audit_before`),
and the matrix page's bytes per cell. Every figure is the median with min–max of wall time
and, in brackets, of this process's CPU time; the load average at start and end.

Run against a scratch database (the pastes and saves change its amounts):
    DATABASE_URL=postgres://…/ph_bench .venv/bin/python benchmarks/allocation_matrix.py
`BENCH_ROUNDS` (9) sets the rounds; `BENCH_ONE_AT_A_TIME=1` adds the paste as one
`allocation_set` per cell (≈ 5 queries per cell: about a minute a round).
Results are reported in docs/performance.md; no test asserts timings.
"""

import json
import logging
import os
import sys
from decimal import Decimal
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# benchmarks.national sets Django up (settings, django.setup()) for every benchmark using it,
# so it comes before Django's models.
# isort: off
from benchmarks.national import (  # noqa: E402
    LARGE,
    LARGE_CODE,
    MIDDLE,
    MIDDLE_CODE,
    SIZES,
    TYPICAL,
    YEAR,
    national_build,
    organisation_codes,
)
from benchmarks.timing import interleaved  # noqa: E402

# isort: on
from django.contrib import admin  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from funds.allocation import workflows  # noqa: E402
from funds.allocation.workflows import (  # noqa: E402
    CellChange,
    allocation_set,
    allocations_set_many,
)
from funds.models import (  # noqa: E402
    Agreement,
    Allocation,
    AllocationChange,
    Membership,
    PriorityArea,
    Recipient,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))
ONE_AT_A_TIME = os.environ.get("BENCH_ONE_AT_A_TIME") == "1"
PASTE_RECIPIENTS = 300  # × the large kommun's 8 areas: 2 400 cells
REASON = "Mätning av inklistring"  # the decided year's changes must say why


def sizes() -> list[tuple[str, str]]:
    """(label, organisation code): a typical kommun, the mid-size one and the large one."""
    typical = next(code for code in organisation_codes() if code not in SIZES)
    return [
        (f"{TYPICAL[0]} × {TYPICAL[1]}", typical),
        (f"{MIDDLE[0]} × {MIDDLE[1]}", MIDDLE_CODE),
        (f"{LARGE[0]} × {LARGE[1]}", LARGE_CODE),
    ]


def _agreement(code: str) -> Agreement:
    return Agreement.objects.select_related("organisation").get(organisation__code=code, year=YEAR)


def _client(agreement: Agreement) -> tuple[Client, User]:
    """A coordinator of the organisation, signed in, with the decided year's reason kept."""
    code = agreement.organisation.code
    user, _ = User.objects.get_or_create(username=f"bench-{code}")
    Membership.objects.get_or_create(
        user=user, organisation=agreement.organisation, defaults={"role": "coordinator"}
    )
    client = Client()
    client.force_login(user)
    if agreement.changes_need_reason:
        response = client.post(
            reverse("allocation_reason", args=[code, agreement.year]), {"reason": REASON}
        )
        assert response.status_code in (200, 302), response.status_code
    return client, user


def targets(label: str, agreement: Agreement) -> dict:
    """The page, the admin changelist of the same rows and a cell save, as callables. The
    saved cell is the last recipient's, outside the pasted block."""
    client, _ = _client(agreement)
    url = reverse("allocation_matrix", args=[agreement.organisation.code, agreement.year])
    assert client.get(url).status_code == 200
    areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
    superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin", "bench@example.invalid", "x"
    )
    admin_client = Client()
    admin_client.force_login(superuser)
    admin_url = "/admin/funds/allocation/?priority_area__in=" + ",".join(
        str(area.pk) for area in areas
    )
    response = admin_client.get(admin_url)
    cells = Allocation.objects.filter(priority_area__agreement=agreement).count()
    assert response.status_code == 200 and response.content.count(b"<tr") > cells

    area = areas[0]
    recipient = Recipient.objects.filter(organisation=agreement.organisation).order_by("-name")[0]
    key = f"{area.pk}-{recipient.pk}"
    stored = Allocation.objects.get(priority_area=area, recipient=recipient)
    state = {"version": stored.version, "amount": int(stored.amount) + 1}

    def save():
        state["amount"] += 1  # never the amount the cell holds: every save changes it
        response = client.post(
            f"{url}cell/{area.pk}/{recipient.pk}/",
            {f"amount-{key}": str(state["amount"]), f"version-{key}": state["version"]},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and b"hx-swap-oob" in response.content, response
        state["version"] += 1

    return {
        (label, "page"): lambda: client.get(url),
        (label, "changelist"): lambda: admin_client.get(admin_url),
        (label, "save"): save,
    }


def _audit_before(changed, *, user, reason, agreement, now) -> None:
    """The audit write of the previous version: one bulk_create of the rows."""
    AllocationChange.objects.bulk_create(
        AllocationChange(
            allocation=result.allocation,
            changed_by=user,
            old_amount=result.old_amount,
            new_amount=change.amount,
            reason=reason,
            is_amendment=agreement.changes_need_reason,
        )
        for change, result in changed
    )


def paste_targets(agreement: Agreement) -> dict:
    """A pasted block of 300 × 8 cells: over HTTP, through the set-based workflow, through
    its previous version, and (BENCH_ONE_AT_A_TIME) one `allocation_set` per cell. Each
    changes every cell of the block."""
    client, user = _client(agreement)
    url = reverse("allocation_matrix", args=[agreement.organisation.code, agreement.year])
    areas = list(PriorityArea.objects.filter(agreement=agreement).order_by("number"))
    for area in areas:
        area.agreement = agreement
    recipients = list(
        Recipient.objects.filter(organisation=agreement.organisation).order_by("name")[
            :PASTE_RECIPIENTS
        ]
    )
    cells = [(area, recipient) for area in areas for recipient in recipients]
    versions = {
        (a.priority_area_id, a.recipient_id): a.version
        for a in Allocation.objects.filter(
            priority_area__in=areas, recipient__in=recipients
        ).order_by()
    }
    assert len(versions) == len(cells)
    state = {"amount": 2_000_000}

    def changes():
        state["amount"] += 1
        amount = Decimal(state["amount"]) / 100
        return [CellChange(a, r, amount, versions[a.pk, r.pk]) for a, r in cells]

    def saved():
        for key in versions:
            versions[key] += 1

    def by_http():
        rows = [
            [
                f"{c.area.pk}-{c.recipient.pk}",
                str(c.amount).replace(".", ","),
                str(c.expected_version),
            ]
            for c in changes()
        ]
        response = client.post(url, {"celler": json.dumps(rows)})
        assert response.status_code == 302, response.status_code
        saved()

    def set_based():
        allocations_set_many(changes=changes(), user=user, reason=REASON)
        saved()

    def set_based_before():
        with mock.patch.object(workflows, "_audit_many", _audit_before):
            allocations_set_many(changes=changes(), user=user, reason=REASON)
        saved()

    def one_at_a_time():
        with transaction.atomic():
            for change in changes():
                allocation_set(
                    area=change.area,
                    recipient=change.recipient,
                    amount=change.amount,
                    expected_version=change.expected_version,
                    user=user,
                    reason=REASON,
                )
        saved()

    chosen = {
        "paste over HTTP": by_http,
        "paste, set-based workflow": set_based,
        "paste, set-based, audit by bulk_create (before)": set_based_before,
    }
    if ONE_AT_A_TIME:
        chosen["paste, one allocation_set per cell"] = one_at_a_time
    return chosen


def main() -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per sign-in otherwise
    national_build(quiet=True)
    # The changelist of the same allocations, every row on one page (no pagination).
    admin.site.get_model_admin(Allocation).list_per_page = 100_000
    chosen = {}
    for label, code in sizes():
        chosen.update(targets(label, _agreement(code)))
    chosen.update(paste_targets(_agreement(LARGE_CODE)))
    times, load = interleaved(chosen, ROUNDS)
    print(f"{ROUNDS} interleaved rounds; load average (1/5/15 min) {load}")
    print("median (min–max) wall ms [this process's CPU ms]")
    print("| size | matrix page | per cell | admin changelist | ratio | cell save |")
    print("|---|---|---|---|---|---|")
    saves = []
    for label, code in sizes():
        cells = Allocation.objects.filter(priority_area__agreement=_agreement(code)).count()
        page, changelist, save = (times[label, name] for name in ("page", "changelist", "save"))
        saves.append(save)
        print(
            f"| {label} | {page.text()} | {page.wall / cells * 1000:.0f} µs "
            f"[{page.cpu / cells * 1000:.0f}] | {changelist.text()} "
            f"| {changelist.wall / page.wall:.2f}× [{changelist.cpu / page.cpu:.2f}×] "
            f"| {save.text(1)} |"
        )
    small, large = saves[0], saves[-1]
    print(
        f"cell save, large ÷ typical: {large.wall / small.wall:.2f}× "
        f"[{large.cpu / small.cpu:.2f}× CPU]. Ratio = admin changelist ÷ matrix page for the "
        "same allocations (above 1: the matrix is faster)."
    )
    report_paste(times)
    report_bytes()


def report_paste(times: dict) -> None:
    print(f"paste of {PASTE_RECIPIENTS * LARGE[1]} cells:")
    for name, timing in times.items():
        if isinstance(name, str):
            print(f"- {name}: {timing.text()}")
    new, before = (
        times["paste, set-based workflow"],
        times["paste, set-based, audit by bulk_create (before)"],
    )
    print(f"before ÷ after: {before.wall / new.wall:.2f}× wall [{before.cpu / new.cpu:.2f}× CPU]")


def report_bytes() -> None:
    for label, code in sizes():
        agreement = _agreement(code)
        client, _ = _client(agreement)
        url = reverse("allocation_matrix", args=[code, agreement.year])
        cells = Allocation.objects.filter(priority_area__agreement=agreement).count()
        body = client.get(url).content
        zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        print(
            f"{label}: {len(body)} bytes, {len(body) / cells:.0f} per cell; with gzip "
            f"{len(zipped.content)} bytes ({zipped.get('Content-Encoding', 'not compressed')})"
        )


if __name__ == "__main__":
    main()
