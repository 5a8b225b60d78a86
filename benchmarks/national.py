"""A national-scale database for the benchmarks: the shape of every kommun using the app.

293 organisations in Sweden's 21 counties: 291 kommuner with 100 recipients × 6 priority
areas each, one mid-size kommun with 300 recipients × 8 areas and one large kommun with
1 000 recipients × 8 areas; 185 000 allocations in their 2024 (decided), 60 000 of them with
a submitted follow-up. Odd-numbered areas are
mapped to the year's national areas, the others are own priorities. Amounts in öre.

Idempotent: organisations that are already there are left as they are, so a second run
only measures. Every benchmark that needs data calls `national_build()`:
    DATABASE_URL=postgres://…/ph_bench .venv/bin/python benchmarks/national.py
builds it alone and prints the counts.
"""

from __future__ import annotations

import os
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
from django.db import connection, transaction  # noqa: E402

from funds.models import (  # noqa: E402
    Agreement,
    Allocation,
    FollowUp,
    NationalArea,
    Organisation,
    PriorityArea,
    Recipient,
)

YEAR = 2024
COUNTIES = [1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23, 24, 25]
TYPICAL = (100, 6)  # recipients, areas
MIDDLE = (300, 8)
MIDDLE_CODE = "0198"
LARGE = (1000, 8)
LARGE_CODE = "0199"
SIZES = {LARGE_CODE: LARGE, MIDDLE_CODE: MIDDLE}
ORGANISATIONS = 293
FOLLOW_UPS = 60_000
KINDS = list(Recipient.Kind.values)
BATCH = 5_000


def organisation_codes() -> list[str]:
    """Kommun codes (county + two digits) from 60 upwards in each county, in turn, so that
    every county has some; the large and the mid-size kommun first."""
    codes = [LARGE_CODE, MIDDLE_CODE]
    number = 60
    while len(codes) < ORGANISATIONS:
        for county in COUNTIES:
            code = f"{county:02d}{number:02d}"
            if code not in SIZES and len(codes) < ORGANISATIONS:
                codes.append(code)
        number += 1
    return codes


def _organisation(code: str, recipients: int, areas: int, national: dict) -> list[Allocation]:
    organisation = Organisation.objects.create(
        code=code, name=f"Riksexempel kommun {code}", kind=Organisation.Kind.MUNICIPALITY
    )
    agreement = Agreement.objects.create(
        organisation=organisation, year=YEAR, title=f"Stimulansmedel {YEAR}", status="decided"
    )
    area_rows = PriorityArea.objects.bulk_create(
        PriorityArea(
            agreement=agreement,
            number=number,
            name=f"Prioriterat område {number}",
            granted=Decimal(recipients * 120_000),
            national_area=national.get(number) if number % 2 else None,
            own_priority_reason="" if number % 2 and number in national else "Egen prioritering",
        )
        for number in range(1, areas + 1)
    )
    people = Recipient.objects.bulk_create(
        Recipient(organisation=organisation, name=f"Mottagare {i:04d}", kind=KINDS[i % len(KINDS)])
        for i in range(recipients)
    )
    return [
        Allocation(priority_area=area, recipient=person, amount=Decimal(100_000 + 37 * i) / 100)
        for i, (area, person) in enumerate((a, p) for a in area_rows for p in people)
    ]


def national_build(*, quiet: bool = False) -> Organisation:
    """Builds what is missing of the national database; returns the large kommun."""
    call_command("migrate", verbosity=0)
    national = {a.number: a for a in NationalArea.objects.filter(national_agreement__year=YEAR)}
    existing = set(Organisation.objects.values_list("code", flat=True))
    started = time.perf_counter()
    built = False
    for index, code in enumerate(organisation_codes()):
        if code in existing:
            continue
        recipients, areas = SIZES.get(code, TYPICAL)
        with transaction.atomic():
            allocations = Allocation.objects.bulk_create(
                _organisation(code, recipients, areas, national), batch_size=BATCH
            )
            # Follow-ups spread over the organisations in proportion to their allocations.
            share = FOLLOW_UPS * len(allocations) // (291 * 600 + 2_400 + 8_000)
            FollowUp.objects.bulk_create(
                (
                    FollowUp(allocation=a, status="submitted", spent=a.amount)
                    for a in allocations[:share]
                ),
                batch_size=BATCH,
            )
        built = True
        if not quiet and index % 50 == 0:
            print(f"  {index + 1} organisations, {time.perf_counter() - started:.0f} s")
    if built:
        # Fresh statistics, as autovacuum would have them a minute later: without them the
        # planner takes 60 000 follow-ups for 20 000 and hash-joins all of them per page.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE funds_organisation, funds_agreement, funds_priorityarea, "
                "funds_recipient, funds_allocation, funds_followup"
            )
    return Organisation.objects.get(code=LARGE_CODE)


def main() -> None:
    national_build()
    print(
        f"{Organisation.objects.filter(name__startswith='Riksexempel').count()} organisations, "
        f"{Allocation.objects.filter(priority_area__agreement__year=YEAR).count()} allocations "
        f"in {YEAR}, {FollowUp.objects.count()} follow-ups"
    )


if __name__ == "__main__":
    main()
