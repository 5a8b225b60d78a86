"""A small year built in code: two agreements, recipients of every kind, a draft document."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from funds.models import (
    Agreement,
    FollowUp,
    Intervention,
    Organisation,
    PriorityArea,
    Recipient,
)
from reporting.models import DecisionDocument
from tests import factories as f


@dataclass
class Year:
    organisation: Organisation
    agreement: Agreement
    next_agreement: Agreement
    areas: list[PriorityArea]
    district: Recipient
    association: Recipient
    intervention: Intervention
    document: DecisionDocument

    @property
    def code(self) -> str:
        return self.organisation.code


def draft_document(org: Organisation, year: int = 2023, **kwargs) -> DecisionDocument:
    values = {
        "programme": "Uppdrag Psykisk Hälsa",
        "committee": "Socialnämnden",
        "delegate": "socialdirektören",
        "administration": "Socialförvaltningen",
        "department": "Avdelningen för strategi och utveckling",
        "address": "Socialförvaltningen, Box 1, 100 00 Teststad",
        "registry_number": f"SOF {year}/1",
        "document_date": datetime.date(year + 1, 3, 5),
        "meeting_date": datetime.date(year + 1, 3, 19),
        "case_officer_name": "Test Handläggare",
        "case_officer_phone": "08-465 004 00",
        "director_name": "Test Direktör",
        "director_title": "Socialdirektör",
        "head_name": "Test Chef",
        "head_title": "Avdelningschef",
        "summary": "Sammanfattningens första stycke.\n\nAndra stycket.",
        "background": "Bakgrunden.",
        "opinion": "Förvaltningens synpunkter.",
    }
    values.update(kwargs)
    return DecisionDocument.objects.create(organisation=org, year=year, **values)


@pytest.fixture
def year(db) -> Year:
    org = f.organisation(name="Teststad", address="Socialförvaltningen, Box 1, 100 00 Teststad")
    agreement = f.agreement(org, 2023, registry_number="SOF 2023/1")
    areas = [
        f.area(agreement, "1049999.00", name="Suicidprevention"),
        f.area(agreement, "1050001.00", name="Ungdomsmottagningar"),
    ]
    district = f.recipient(org, name="Norra stadsdelsförvaltningen")
    department = f.recipient(org, name="Kulturförvaltningen", kind=Recipient.Kind.DEPARTMENT)
    association = f.recipient(
        org,
        name="Föreningen Öppna dörren",
        kind=Recipient.Kind.ASSOCIATION,
        organisation_number="802400-1011",
    )
    allocation = f.allocation(areas[0], district, "549999.00")
    f.allocation(areas[0], association, "500000.00")
    f.allocation(areas[1], department, "1050001.00")
    follow_up = f.follow_up(allocation, "449999.00", status=FollowUp.Status.APPROVED)
    f.repayment(areas[0], "100000.00", district)
    f.repayment(areas[0], "100000.00")
    intervention = Intervention.objects.create(
        follow_up=follow_up,
        name="Samtalsgrupper",
        description="Grupper för unga.",
        amount_spent="400000.00",
    )
    next_agreement = f.agreement(org, 2024)
    f.area(next_agreement, "1500000.00", name="Suicidprevention")
    document = draft_document(org)
    document.example_interventions.set([intervention])
    return Year(
        organisation=org,
        agreement=agreement,
        next_agreement=next_agreement,
        areas=areas,
        district=district,
        association=association,
        intervention=intervention,
        document=document,
    )


SITE_URL = "https://medel.example.se"


@pytest.fixture
def open_data_site(settings):
    """The open-data pages as in production: the configured site address and contact, and
    an empty cache (bodies are cached per version of the published data)."""
    from django.core.cache import cache

    settings.SITE_URL = SITE_URL
    settings.OPEN_DATA_CONTACT_EMAIL = "oppnadata@example.se"
    cache.clear()
    yield
    cache.clear()
