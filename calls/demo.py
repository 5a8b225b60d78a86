"""Loads the demo's open call for applications (demo_data/call.toml) into the funds demo.

`call_demo_load()` is idempotent: the call is found by its year and title and made only when
missing, through the same workflows a coordinator uses (call_save, then publishing), so the
amount is checked against the area's free money. A call that exists is left as it is: it may
have applications, and officials may have changed it.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from calls.models import Call
from calls.workflows import call_save, call_set_status
from funds.demo.loader import demo_coordinator
from funds.models import Agreement

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "call.toml"


class CallDemoError(Exception):
    """The call cannot be loaded (e.g. the funds demo is missing)."""


@dataclass(frozen=True)
class CallDemoSummary:
    call: Call
    created: bool


def call_demo_data() -> dict[str, Any]:
    with open(DATA_FILE, "rb") as file:
        return tomllib.load(file)


def _local(day: datetime.date, clock: str) -> datetime.datetime:
    """The day at the clock time ("23:59") in the site's time zone: a deadline as a call
    states it, not the minute the demo happened to be loaded."""
    hour, minute = (int(part) for part in clock.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def call_demo_load() -> CallDemoSummary:
    """Make the demo's call, published and open from a week ago for 30 days, unless a call
    of that year and title exists."""
    data = call_demo_data()
    values = dict(data["call"])
    agreement = Agreement.objects.filter(
        organisation__code=data["organisation"], year=data["year"]
    ).first()
    if agreement is None:
        raise CallDemoError("Demons år finns inte. Kör `manage.py load_demo` först.")
    found = Call.objects.filter(agreement=agreement, title=values["title"]).first()
    if found is not None:
        return CallDemoSummary(found, created=False)
    today = timezone.localdate()
    opens = _local(
        today - datetime.timedelta(days=values.pop("opens_days_before")),
        values.pop("opens_at_time"),
    )
    closes = _local(
        today + datetime.timedelta(days=values.pop("closes_days_after")),
        values.pop("closes_at_time"),
    )
    with transaction.atomic():
        call = Call(
            agreement=agreement,
            priority_area=agreement.priority_areas.get(number=data["area"]),
            opens_at=opens,
            closes_at=closes,
            **{**values, "amount": Decimal(values["amount"])},
        )
        call_save(
            call=call, criteria=data["criteria"], user=demo_coordinator(agreement.organisation)
        )
        call = call_set_status(call=call, status=Call.Status.OPEN)
    return CallDemoSummary(call, created=True)
