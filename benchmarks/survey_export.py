"""Measures the enkät export at 1 000 and 20 000 interventions with both writers (xlsxwriter in
constant-memory mode, openpyxl in write-only mode): time and peak memory, and checks that
the two files read back the same with openpyxl and with LibreOffice.

Run against a scratch PostgreSQL database (it creates one organisation per size, with
synthetic recipients, approved follow-ups and interventions, and leaves them there so a
second run only measures):
    DATABASE_URL=postgres://…/survey_bench .venv/bin/python benchmarks/survey_export.py
    … benchmarks/survey_export.py --sizes 1000            # fewer sizes
    … benchmarks/survey_export.py --compare 1000          # only the read-back comparison

Each measurement runs in a fresh process, so `ru_maxrss` (the process's peak resident
memory) belongs to that export alone; a second fresh process measures the Python heap's
peak with tracemalloc (which slows Python down, so its time is not the one reported).
Results are written up in docs/performance-survey.md; no test asserts timings.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")

SIZES = (1_000, 20_000)
WRITERS = ("openpyxl", "xlsxwriter")
YEAR = 2023
AREAS = 6
BATCH = 5_000
CHOSEN = ("activity_type", "goal", "target_group", "perspective")  # one category each
# Answered, none applies ("Nej"): every asked group without a chosen category.
ANSWERED_NO = (
    "performance",
    "effect",
    "collaboration",
    "involvement",
    "responsible_unit",
    "partner",
)


def _setup() -> None:
    import django

    django.setup()


def _code(size: int) -> str:
    return f"8{len(str(size)):03d}" if size not in SIZES else f"7{SIZES.index(size) + 1:03d}"


def generate(size: int) -> None:
    """One organisation whose 2023 has `size` interventions and passes every check."""
    _setup()
    from django.db import transaction

    from funds.models import (
        Agreement,
        Allocation,
        FollowUp,
        Intervention,
        NationalArea,
        Organisation,
        PriorityArea,
        Recipient,
        SurveyCategory,
    )
    from funds.national.loader import survey_categories_ensure

    code = _code(size)
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is not None:
        existing = Intervention.objects.filter(
            follow_up__allocation__recipient__organisation=organisation
        ).count()
        if existing == size:
            return
        raise SystemExit(f"Organisation {code} exists with {existing} interventions; drop the DB.")

    survey_categories_ensure(YEAR)
    categories: dict[str, list[SurveyCategory]] = {}
    for category in SurveyCategory.objects.filter(year=YEAR).order_by("group", "position"):
        categories.setdefault(category.group, []).append(category)

    recipients_count = min(300, max(10, size // 100))
    allocations_count = recipients_count * AREAS
    # Interventions spread round-robin; each allocation's money is what its insatser cost.
    amounts = [Decimal(1000 + (i % 997)) + Decimal(i % 100) / 100 for i in range(size)]
    spent = [Decimal("0.00")] * allocations_count
    for i, amount in enumerate(amounts):
        spent[i % allocations_count] += amount

    with transaction.atomic():
        organisation = Organisation.objects.create(
            code=code, name=f"Benchmarkkommun {size}", kind=Organisation.Kind.MUNICIPALITY
        )
        agreement = Agreement.objects.create(
            organisation=organisation, year=YEAR, title="Benchmark", status="closed"
        )
        # Five areas on the year's national areas, the sixth an own priority: two route
        # sheets, as in the final workbook.
        national = {a.number: a for a in NationalArea.objects.filter(national_agreement__year=YEAR)}
        areas = PriorityArea.objects.bulk_create(
            PriorityArea(
                agreement=agreement,
                number=n + 1,
                name=f"Prioriterat område {n + 1}",
                granted=sum(spent[n::AREAS], Decimal("0.00")),
                national_area=national.get(n + 1),
                own_priority_reason="" if n + 1 in national else "Egen prioritering",
            )
            for n in range(AREAS)
        )
        recipients = Recipient.objects.bulk_create(
            Recipient(organisation=organisation, name=f"Mottagare {n:04d}", kind="district")
            for n in range(recipients_count)
        )
        allocations = Allocation.objects.bulk_create(
            Allocation(
                priority_area=areas[n % AREAS], recipient=recipients[n // AREAS], amount=spent[n]
            )
            for n in range(allocations_count)
        )
        follow_ups = FollowUp.objects.bulk_create(
            FollowUp(allocation=allocation, status="approved", spent=spent[n], results="Klart.")
            for n, allocation in enumerate(allocations)
        )
        through = Intervention.categories.through
        for start in range(0, size, BATCH):
            batch = Intervention.objects.bulk_create(
                Intervention(
                    follow_up=follow_ups[i % allocations_count],
                    name=("=Formelliknande namn " if i % 100 == 0 else "Insats ") + str(i),
                    description="Beskrivning av insatsen: vad som gjordes, för vem och hur. " * 3,
                    responsible_unit="Ungdomsmottagningen",
                    amount_spent=amounts[i],
                    results="Resultat och effekter som rapportören beskriver. " * 2,
                    # The asked groups without a chosen category answered "Nej"; effekt
                    # only on every other insats (the national form allows it unanswered).
                    answered_groups=[g for g in ANSWERED_NO if i % 2 or g != "effect"],
                )
                for i in range(start, min(start + BATCH, size))
            )
            links = []
            for offset, item in enumerate(batch):
                i = start + offset
                for group in CHOSEN:
                    options = categories[group]
                    links.append(
                        through(
                            intervention_id=item.pk, surveycategory_id=options[i % len(options)].pk
                        )
                    )
            through.objects.bulk_create(links)


def _warm_up() -> None:
    """Load what any first request loads anyway (URL configuration, openpyxl's writer), so
    the measurement is the export's and not the imports'."""
    from io import BytesIO

    import xlsxwriter
    from django.urls import reverse
    from openpyxl import Workbook

    reverse("home")
    workbook = Workbook(write_only=True)
    workbook.create_sheet("x").append(["x"])
    workbook.save(BytesIO())
    book = xlsxwriter.Workbook(BytesIO(), {"constant_memory": True})
    book.add_worksheet("x").write_string(0, 0, "x")
    book.close()


def measure(size: int, *, trace: bool, writer: str) -> dict:
    _setup()
    from funds.models import Agreement
    from reporting.survey.checks import survey_check
    from reporting.survey.workbook import survey_export

    agreement = Agreement.objects.select_related("organisation").get(
        organisation__code=_code(size), year=YEAR
    )
    _warm_up()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    check = survey_check(agreement)
    checked = time.perf_counter() - started
    assert not check.problems, check.problems[:3]
    with tempfile.TemporaryFile() as output:
        started, cpu = time.perf_counter(), time.process_time()
        result = survey_export(
            agreement=agreement, output=output, exported_by="benchmark", writer=writer
        )
        exported, cpu = time.perf_counter() - started, time.process_time() - cpu
        file_size = output.tell()
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    return {
        "writer": writer,
        "size": size,
        "rows": result.rows,
        "check_s": round(checked, 2),
        "export_s": round(exported, 2),
        "cpu_s": round(cpu, 2),
        "file_kib": file_size // 1024,
        "maxrss_before_mib": round(rss_before / 1024, 1),
        "maxrss_after_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tracemalloc_peak_mib": round(peak / 2**20, 1) if peak is not None else None,
    }


def plain_export(size: int) -> dict:
    """The baseline: a plain xlsxwriter script in constant-memory mode writing the same
    insats rows (the same 64 cells: the text columns with the area's national area and
    route, one Ja/Nej/Ej besvarat per category, the amount) from the app's own query, one
    sheet per route, with no formats, print set-up, summary or check. In the same kind of
    fresh, warmed-up process as `measure`."""
    _setup()
    import xlsxwriter

    from funds.models import Agreement
    from reporting.survey.checks import survey_check
    from reporting.survey.workbook import _intervention_rows, _routes_with_areas

    agreement = Agreement.objects.select_related("organisation").get(
        organisation__code=_code(size), year=YEAR
    )
    check = survey_check(agreement)  # the category list and routes, outside the timing
    positions = [(category.pk, category.group) for category in check.categories]
    groups_of = dict(positions)
    _warm_up()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = 0
    with tempfile.TemporaryFile() as output:
        started, cpu = time.perf_counter(), time.process_time()
        book = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
        for route, area_ids in _routes_with_areas(check):
            sheet = book.add_worksheet(route[:31])
            for number, row in enumerate(_intervention_rows(agreement, area_ids)):
                pk, area_id, number_, area, recipient, kind, unit, name, text = row[:9]
                category_ids, answered_groups, amount, results, status = row[9:]
                chosen = {int(i) for i in category_ids.split(",")} if category_ids else set()
                answered = {groups_of.get(i) for i in chosen} | set(answered_groups or ())
                where = check.routes[area_id]
                cells = [name, pk, f"{number_}. {area}", where.national_number]
                cells += [where.national_name, where.route_label, recipient, kind, unit, text]
                cells += [
                    ("Ja" if c in chosen else "Nej") if g in answered else "Ej besvarat"
                    for c, g in positions
                ]
                cells += [amount, results, status]
                for column, value in enumerate(cells):
                    if isinstance(value, str):
                        sheet.write_string(number, column, value)
                    elif value is not None:
                        sheet.write_number(number, column, value)
                rows += 1
        book.close()
        exported, cpu = time.perf_counter() - started, time.process_time() - cpu
        file_size = output.tell()
    return {
        "writer": "plain xlsxwriter",
        "size": size,
        "rows": rows,
        "export_s": round(exported, 2),
        "cpu_s": round(cpu, 2),
        "file_kib": file_size // 1024,
        "maxrss_before_mib": round(rss_before / 1024, 1),
        "maxrss_after_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def versus(size: int, others: list[str], rounds: int) -> None:
    """The app's export (this checkout and every other checkout given) and the plain script,
    each in a fresh process, interleaved round after round; medians with min–max."""
    targets = {"plain xlsxwriter script": [__file__, "--plain", str(size)]}
    targets["app export, this checkout"] = [__file__, "--measure", str(size)]
    for other in others:
        script = str(Path(other) / "benchmarks" / "survey_export.py")
        targets[f"app export, {other}"] = [script, "--measure", str(size)]
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, command in targets.items():
            runs[name].append(json.loads(_run(command)))
    load_after = os.getloadavg()

    def median(name: str, key) -> float:
        return statistics.median(key(r) for r in runs[name])

    plain = "plain xlsxwriter script"
    base = median(plain, lambda r: r["export_s"])
    base_cpu = median(plain, lambda r: r["cpu_s"])
    base_rss = median(plain, lambda r: r["maxrss_after_mib"] - r["maxrss_before_mib"])
    print(
        f"{size} insatser, {rounds} interleaved rounds, load average (1/5/15 min) "
        f"{'/'.join(f'{x:.2f}' for x in load_before)} → "
        f"{'/'.join(f'{x:.2f}' for x in load_after)}"
    )
    print(
        "| target | wall s, median (min–max) | ÷ plain | CPU s, median (min–max) | ÷ plain "
        "| peak RSS growth MiB | ÷ plain |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, results in runs.items():
        walls = sorted(r["export_s"] for r in results)
        cpus = sorted(r["cpu_s"] for r in results)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        rss = median(name, lambda r: r["maxrss_after_mib"] - r["maxrss_before_mib"])
        print(
            f"| {name} | {wall:.2f} ({walls[0]:.2f}–{walls[-1]:.2f}) | {wall / base:.2f}× "
            f"| {cpu:.2f} ({cpus[0]:.2f}–{cpus[-1]:.2f}) | {cpu / base_cpu:.2f}× "
            f"| {rss:.1f} | {rss / max(base_rss, 0.1):.2f}× |"
        )


def _trimmed(row: tuple) -> tuple:
    """A row as read back: money as exact kronor (a float or an int, whichever the writer
    wrote), without the empty cells a read-only reader pads to the declared dimension
    (xlsxwriter declares it, openpyxl's write-only mode does not)."""
    from funds.money import parse_amount

    values = [parse_amount(v) if isinstance(v, float) else v for v in row]
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def compare(size: int, directory: Path) -> dict:
    """Both writers' files of one size, read back by openpyxl and printed by LibreOffice."""
    _setup()
    from django.utils import timezone
    from openpyxl import load_workbook

    from funds.models import Agreement
    from reporting.survey.workbook import survey_export

    agreement = Agreement.objects.select_related("organisation").get(
        organisation__code=_code(size), year=YEAR
    )
    now = timezone.now()
    values, texts = {}, {}
    for writer in WRITERS:
        path = directory / f"{writer}.xlsx"
        with path.open("wb") as output:
            survey_export(
                agreement=agreement, output=output, exported_by="benchmark", writer=writer, now=now
            )
        workbook = load_workbook(path, read_only=True)
        values[writer] = {
            sheet.title: [_trimmed(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
        workbook.close()
        subprocess.run(  # noqa: S603 - LibreOffice with our own arguments
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation=file://{directory}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(directory),
                str(path),
            ],
            check=True,
            capture_output=True,
        )
        text = subprocess.run(  # noqa: S603
            [
                shutil.which("pdftotext") or "pdftotext",
                "-layout",
                str(directory / f"{writer}.pdf"),
                "-",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        texts[writer] = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    pages = text.count("\f")
    return {
        "size": size,
        "openpyxl_reads_the_same": values["openpyxl"] == values["xlsxwriter"],
        "libreoffice_prints_the_same": texts["openpyxl"] == texts["xlsxwriter"],
        "printed_pages": pages,
    }


def _run(command: list[str]) -> str:
    result = subprocess.run(
        [sys.executable, *command], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return result.stdout.strip().splitlines()[-1]


def _child(*args: str) -> str:
    done = subprocess.run(  # noqa: S603 - this very script, with our own arguments
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--writer", choices=WRITERS, default="xlsxwriter", help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=int, help="compare the writers' files at this size")
    parser.add_argument("--plain", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--versus", type=int, help="the export beside a plain xlsxwriter script at this size"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("others", nargs="*", help="other checkouts to interleave (--versus)")
    args = parser.parse_args()
    if args.plain:
        print(json.dumps(plain_export(args.plain)))
        return
    if args.generate:
        generate(args.generate)
        return
    if args.measure:
        print(json.dumps(measure(args.measure, trace=args.trace, writer=args.writer)))
        return

    if "DATABASE_URL" not in os.environ:
        raise SystemExit("Set DATABASE_URL to a scratch PostgreSQL database.")
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.versus:
        _child("--generate", str(args.versus))
        versus(args.versus, args.others, args.rounds)
        return
    if args.compare:
        _child("--generate", str(args.compare))
        with tempfile.TemporaryDirectory() as directory:
            print(json.dumps(compare(args.compare, Path(directory))))
        return
    for size in args.sizes:
        started = time.perf_counter()
        _child("--generate", str(size))
        print(f"{size:>7} interventions: data ready in {time.perf_counter() - started:.0f} s")
        for writer in WRITERS:
            plain = json.loads(_child("--measure", str(size), "--writer", writer))
            traced = json.loads(_child("--measure", str(size), "--trace", "--writer", writer))
            print(
                f"{size:>7} interventions, {writer}: check {plain['check_s']} s, export "
                f"{plain['export_s']} s, file {plain['file_kib']} KiB, maxrss "
                f"{plain['maxrss_before_mib']} → {plain['maxrss_after_mib']} MiB, tracemalloc "
                f"peak {traced['tracemalloc_peak_mib']} MiB"
            )
            print(json.dumps({"plain": plain, "traced": traced}))


if __name__ == "__main__":
    main()
