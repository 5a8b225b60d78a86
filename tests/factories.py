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


# --- calls for applications ---


def luhn_number(prefix: str) -> str:
    """A valid organisationsnummer NNNNNN-NNNN from nine digits."""
    from funds.identifiers import luhn_ok

    for check in "0123456789":
        if luhn_ok(prefix + check):
            return f"{prefix[:6]}-{prefix[6:]}{check}"
    raise AssertionError(prefix)


def call(pa: PriorityArea, amount: str | Decimal = "300000.00", **kwargs):
    """A published call, open since yesterday and for a week, with two weighted criteria."""
    from django.utils import timezone

    from calls.models import Call, Criterion

    now = timezone.now()
    defaults = {
        "title": f"Utlysning {next(_seq)}",
        "purpose": "Stärka föreningarnas arbete mot psykisk ohälsa.",
        "eligible_kinds": ["ideell_forening", "stiftelse"],
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=7),
        "status": Call.Status.OPEN,
    }
    defaults.update(kwargs)
    created = Call.objects.create(
        agreement=pa.agreement, priority_area=pa, amount=Decimal(amount), **defaults
    )
    Criterion.objects.create(call=created, position=0, name="Relevans", weight=2)
    Criterion.objects.create(call=created, position=1, name="Genomförbarhet", weight=1)
    return created


def applicant(email: str | None = None) -> User:
    from calls.models import ApplicantProfile

    n = next(_seq)
    email = email or f"sokande{n}@example.se"
    u = User.objects.create_user(username=email, email=email, password="pw", first_name="Sara")
    ApplicantProfile.objects.create(user=u, phone="070-000 00 00")
    return u


def application(call_obj, applicant_user: User | None = None, **kwargs):
    """A submitted, complete application."""
    from django.utils import timezone

    from calls.models import Application, BudgetRow

    defaults = {
        "organisation_name": f"Förening {next(_seq)}",
        "organisation_number": luhn_number("802000000"),
        "organisation_kind": "ideell_forening",
        "contact_name": "Sara Svensson",
        "contact_email": "sara@example.se",
        "contact_phone": "070-123 45 67",
        "project_title": "Samtalsgrupper",
        "description": "Samtalsgrupper för unga.",
        "expected_results": "Minskad ensamhet.",
        "amount_requested": Decimal("100000.00"),
        "status": Application.Status.SUBMITTED,
        "submitted_at": timezone.now(),
    }
    defaults.update(kwargs)
    created = Application.objects.create(
        call=call_obj, applicant=applicant_user or applicant(), **defaults
    )
    BudgetRow.objects.create(
        application=created, item="Lokalhyra", amount=created.amount_requested or 0
    )
    return created
