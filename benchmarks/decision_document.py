"""Measures the tjänsteutlåtande's Word file against its PDF at 40 and 1 000 recipients.

Builds two synthetic organisations in the database it is given (40 and 1 000 recipients,
5 areas, every cell filled) and renders, in-process, the year's decision document as PDF
(WeasyPrint, the baseline) and as .docx (reporting/word.py), interleaved: every target once
per round, round after round, so the load of a shared machine falls on all alike. Reports
median wall time with min–max, this process's CPU time, the Word ÷ PDF ratio per size, the
cost per recipient, and the load average before and after.

Run against a scratch database:
    DATABASE_URL=postgres://…/ph_bench .venv/bin/python benchmarks/decision_document.py
Results are reported in docs/performance.md; no test asserts timings.
"""

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

from django.core.management import call_command  # noqa: E402

from funds.models import (  # noqa: E402
    Agreement,
    Allocation,
    Organisation,
    PriorityArea,
    Recipient,
)
from reporting.documents import (  # noqa: E402
    decision_document_current,
    decision_document_docx,
    decision_document_pdf,
)

SIZES = [(40, "9950"), (1000, "9951")]
AREAS = 5
YEAR = 2090
KINDS = list(Recipient.Kind.values)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def sample(fn) -> tuple[float, float]:
    """(wall ms, this process's CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def organisation_build(recipients: int, code: str) -> Agreement:
    """An organisation with `recipients` recipients and every cell of its year filled."""
    organisation, _ = Organisation.objects.get_or_create(
        code=code, defaults={"name": f"Benchmarkkommun {code}", "kind": "municipality"}
    )
    agreement, created = Agreement.objects.get_or_create(
        organisation=organisation, year=YEAR, defaults={"title": f"Benchmark {YEAR}"}
    )
    if not created:
        return agreement
    areas = [
        PriorityArea.objects.create(
            agreement=agreement,
            number=number,
            name=f"Prioriterat område {number}",
            granted=Decimal(recipients * 150_000),
            own_priority_reason="Lokal prioritering",
        )
        for number in range(1, AREAS + 1)
    ]
    people = Recipient.objects.bulk_create(
        Recipient(organisation=organisation, name=f"Mottagare {i:04d}", kind=KINDS[i % 4])
        for i in range(recipients)
    )
    Allocation.objects.bulk_create(
        Allocation(priority_area=area, recipient=recipient, amount=Decimal(100_000 + i) / 100)
        for i, (area, recipient) in enumerate((a, r) for a in areas for r in people)
    )
    return agreement


def targets() -> dict:
    result = {}
    for recipients, code in SIZES:
        agreement = organisation_build(recipients, code)
        document = decision_document_current(agreement)
        result[recipients, "pdf"] = lambda d=document, a=agreement: decision_document_pdf(d, a)
        result[recipients, "docx"] = lambda d=document, a=agreement: decision_document_docx(d, a)
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    chosen = targets()
    for fn in chosen.values():
        fn()  # warm up: imports, fonts, templates
    load_before = os.getloadavg()
    samples = {name: [] for name in chosen}
    for _ in range(ROUNDS):
        for name, fn in chosen.items():
            samples[name].append(sample(fn))
    load_after = os.getloadavg()
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in samples.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in samples.items()}
    span = {name: (min(w for w, _ in r), max(w for w, _ in r)) for name, r in samples.items()}
    print(f"median of {ROUNDS} interleaved rounds; load average {load_before} → {load_after}")
    print(
        "| recipients | PDF ms (min–max) [CPU] | Word ms (min–max) [CPU] | Word ÷ PDF "
        "| Word per recipient |"
    )
    print("|---|---|---|---|---|")
    for recipients, _ in SIZES:
        pdf, docx = (recipients, "pdf"), (recipients, "docx")
        print(
            f"| {recipients} | {wall[pdf]:.0f} ({span[pdf][0]:.0f}–{span[pdf][1]:.0f}) "
            f"[{cpu[pdf]:.0f}] | {wall[docx]:.0f} ({span[docx][0]:.0f}–{span[docx][1]:.0f}) "
            f"[{cpu[docx]:.0f}] | {wall[docx] / wall[pdf]:.2f}× ({cpu[docx] / cpu[pdf]:.2f}× CPU) "
            f"| {wall[docx] / recipients:.2f} ms |"
        )
    (small, _), (large, _) = SIZES
    print(
        f"growth {small} → {large} recipients: PDF {wall[large, 'pdf'] / wall[small, 'pdf']:.1f}×, "
        f"Word {wall[large, 'docx'] / wall[small, 'docx']:.1f}×"
    )


if __name__ == "__main__":
    main()
