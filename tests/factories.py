"""Test data built in code: small builders with sensible defaults, overridable by keyword."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.models import User

from funds.models import (
    Agreement,
    Allocation,
    FollowUp,
    Membership,
    Organisation,
    PriorityArea,
    Recipient,
    Repayment,
)

_seq = itertools.count(1)


def organisation(**kwargs) -> Organisation:
    n = next(_seq)
    defaults = {
        "name": f"Testkommun {n}",
        "kind": Organisation.Kind.MUNICIPALITY,
        "code": f"03{n % 100:02d}",
        "administration": "Socialförvaltningen",
    }
    defaults.update(kwargs)
    return Organisation.objects.create(**defaults)


def agreement(org: Organisation | None = None, year: int = 2023, **kwargs) -> Agreement:
    defaults = {"title": f"Överenskommelse {year}", "agreed_on": datetime.date(year - 1, 12, 15)}
    defaults.update(kwargs)
    return Agreement.objects.create(organisation=org or organisation(), year=year, **defaults)


def area(agr: Agreement, granted: str | Decimal = "1000000.00", **kwargs) -> PriorityArea:
    number = kwargs.pop("number", agr.priority_areas.count() + 1)
    defaults = {"name": f"Område {number}"}
    # A year with an unmapped area cannot be decided: test areas are mapped (as the
    # organisation's own priority) unless a test names a national area or says otherwise.
    if "national_area" not in kwargs:
        defaults["own_priority_reason"] = "Egen prioritering i testdata"
    defaults.update(kwargs)
    return PriorityArea.objects.create(
        agreement=agr, number=number, granted=Decimal(granted), **defaults
    )


def recipient(org: Organisation, **kwargs) -> Recipient:
    defaults = {"name": f"Mottagare {next(_seq)}", "kind": Recipient.Kind.DISTRICT}
    defaults.update(kwargs)
    return Recipient.objects.create(organisation=org, **defaults)


def allocation(pa: PriorityArea, rec: Recipient, amount: str | Decimal, **kwargs) -> Allocation:
    return Allocation.objects.create(
        priority_area=pa, recipient=rec, amount=Decimal(amount), **kwargs
    )


def follow_up(alloc: Allocation, spent: str | Decimal | None, **kwargs) -> FollowUp:
    return FollowUp.objects.create(
        allocation=alloc, spent=None if spent is None else Decimal(spent), **kwargs
    )


def repayment(pa: PriorityArea, amount: str | Decimal, rec: Recipient | None = None) -> Repayment:
    return Repayment.objects.create(
        priority_area=pa,
        kind=Repayment.Kind.FROM_RECIPIENT if rec else Repayment.Kind.TO_STATE,
        recipient=rec,
        amount=Decimal(amount),
        paid_on=datetime.date(2024, 1, 31),
    )


def user(org: Organisation | None = None, role: str = "coordinator", **kwargs) -> User:
    username = kwargs.pop("username", f"user{next(_seq)}")
    rec = kwargs.pop("recipient", None)
    u = User.objects.create_user(username=username, password="pw", **kwargs)
    if org is not None:
        Membership.objects.create(user=u, organisation=org, role=role, recipient=rec)
    return u


# --- Year set-up -----------------------------------------------------------------------------


def partnership(org: Organisation, rec: Recipient | None = None, **kwargs):
    """An IOP with an association of `org`, 2024–2026, 500 000 kr a year."""
    from funds.models import Partnership

    if rec is None:
        rec = recipient(org, kind=Recipient.Kind.ASSOCIATION, organisation_number="802000-0004")
    defaults = {
        "first_year": 2024,
        "last_year": 2026,
        "yearly_amount": Decimal("500000.00"),
        "area_description": "Område 1",
    }
    defaults.update(kwargs)
    return Partnership.objects.create(organisation=org, recipient=rec, **defaults)


# --- Tjänsteutlåtande (reporting) ---------------------------------------------------------


def municipality_with_settings(**kwargs) -> Organisation:
    """A kommun whose administrator has set its own document wording (not Stockholm's)."""
    defaults = {
        "name": "Ekby kommun",
        "committee": "Kommunstyrelsen",
        "delegate": "kommundirektören",
        "signatory_title": "Kommundirektör",
        "second_signatory_title": "Enhetschef",
        "administration": "Kommunledningsförvaltningen",
        "address": "Kommunledningsförvaltningen, Storgatan 1, 999 99 Ekby",
    }
    defaults.update(kwargs)
    return organisation(**defaults)
