"""Measures the tjänsteutlåtande's Word file against its PDF at 100 and 1 000 recipients.

Uses the national-scale database of benchmarks/national.py (built if missing): a typical
kommun (100 recipients × 6 areas) and the large one (1 000 × 8), and renders, in-process,
the year's decision document as PDF (WeasyPrint, the baseline) and as .docx
(reporting/word.py), interleaved: every target once per round, round after round, so the
load of a shared machine falls on all alike. Reports
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# benchmarks.national sets Django up (settings, django.setup()) for every benchmark using it.
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
from funds.models import Agreement  # noqa: E402
from reporting.documents import (  # noqa: E402
    decision_document_current,
    decision_document_docx,
    decision_document_pdf,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def sample(fn) -> tuple[float, float]:
    """(wall ms, this process's CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def sizes() -> list[tuple[int, str]]:
    """(recipients, organisation code): a typical kommun, the mid-size and the large one."""
    typical = next(code for code in organisation_codes() if code not in SIZES)
    return [(TYPICAL[0], typical), (MIDDLE[0], MIDDLE_CODE), (LARGE[0], LARGE_CODE)]


def targets() -> dict:
    national_build(quiet=True)
    result = {}
    for recipients, code in sizes():
        agreement = Agreement.objects.get(organisation__code=code, year=YEAR)
        document = decision_document_current(agreement)
        result[recipients, "pdf"] = lambda d=document, a=agreement: decision_document_pdf(d, a)
        result[recipients, "docx"] = lambda d=document, a=agreement: decision_document_docx(d, a)
    return result


def main() -> None:
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
    for recipients, _ in sizes():
        pdf, docx = (recipients, "pdf"), (recipients, "docx")
        print(
            f"| {recipients} | {wall[pdf]:.0f} ({span[pdf][0]:.0f}–{span[pdf][1]:.0f}) "
            f"[{cpu[pdf]:.0f}] | {wall[docx]:.0f} ({span[docx][0]:.0f}–{span[docx][1]:.0f}) "
            f"[{cpu[docx]:.0f}] | {wall[docx] / wall[pdf]:.2f}× ({cpu[docx] / cpu[pdf]:.2f}× CPU) "
            f"| {wall[docx] / recipients:.2f} ms |"
        )
    (small, _), *_, (large, _) = sizes()
    print(
        f"growth {small} → {large} recipients: PDF {wall[large, 'pdf'] / wall[small, 'pdf']:.1f}×, "
        f"Word {wall[large, 'docx'] / wall[small, 'docx']:.1f}×"
    )


if __name__ == "__main__":
    main()
