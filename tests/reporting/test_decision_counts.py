"""The document counts what it names: a unit as its förvaltning, the distributing förvaltning's
own units apart, IOP partners apart from the föreningar, and next year's amount only when next
year's agreement exists."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from funds.models import Recipient
from reporting.documents import decision_document_current
from reporting.rendering import decision_document_html, decision_document_rendering
from tests import factories as f
from tests.reporting.conftest import draft_document

pytestmark = pytest.mark.django_db

DEPARTMENT = Recipient.Kind.DEPARTMENT
ASSOCIATION = Recipient.Kind.ASSOCIATION


def _department(org, name: str, parent: Recipient | None = None) -> Recipient:
    return f.recipient(org, name=name, kind=DEPARTMENT, parent=parent)


def _html(org, agreement, **document) -> str:
    draft_document(org, agreement.year, **document)
    document = decision_document_current(agreement)
    return decision_document_html(decision_document_rendering(document, agreement))


def test_two_forvaltningar_of_three_units_each_are_two():
    org = f.organisation()
    agreement = f.agreement(org, 2023)
    area = f.area(agreement, "6000000.00")
    for name in ("Skolförvaltningen", "Kulturförvaltningen"):
        forvaltning = _department(org, name)
        for unit in ("A", "B", "C"):
            f.allocation(area, _department(org, f"{name} – enhet {unit}", forvaltning), "1000.00")
    html = _html(org, agreement)
    assert "medel till två fackförvaltningar." in html
    assert "6 fackförvaltningar" not in html
    # The table still counts the recipients that got money, and says so under it.
    share = decision_document_rendering(decision_document_current(agreement), agreement)
    assert share.figures.shares[0].recipients == 6
    assert (
        "Antal mottagare räknar varje mottagare för sig, också enheter inom en förvaltning." in html
    )


def test_no_note_under_the_table_when_it_counts_as_the_sentence():
    org = f.organisation()
    agreement = f.agreement(org, 2023)
    area = f.area(agreement, "6000000.00")
    f.allocation(area, _department(org, "Skolförvaltningen"), "1000.00")
    f.allocation(area, f.recipient(org, name="Föreningen Ung", kind=ASSOCIATION), "1000.00")
    html = _html(org, agreement)
    assert "medel till en fackförvaltning och en förening inom civilsamhället" in html
    assert "Antal mottagare räknar" not in html


def test_the_distributing_forvaltning_is_not_one_it_distributed_to():
    org = f.organisation(administration="Socialförvaltningen")
    agreement = f.agreement(org, 2023)
    area = f.area(agreement, "6000000.00")
    own = _department(org, "Socialförvaltningen")
    f.allocation(area, _department(org, "Socialförvaltningen – enheten för hemlösa", own), "10.00")
    f.allocation(area, _department(org, "Skolförvaltningen"), "10.00")
    f.allocation(area, f.recipient(org, name="Norra stadsdelsförvaltningen"), "10.00")
    html = _html(org, agreement)
    assert (
        "medel till en stadsdelsförvaltning, en fackförvaltning och socialförvaltningens "
        "egna enheter." in html
    )


def test_iop_partners_are_named_apart_from_the_associations():
    org = f.organisation()
    agreement = f.agreement(org, 2023)
    area = f.area(agreement, "6000000.00")
    for number, name in (("802400-1011", "Föreningen A"), ("802401-4808", "Föreningen B")):
        f.allocation(
            area,
            f.recipient(org, name=name, kind=ASSOCIATION, organisation_number=number),
            "10.00",
        )
    partner = f.recipient(
        org, name="Stiftelsen Partner", kind=ASSOCIATION, organisation_number="802402-8592"
    )
    f.allocation(area, partner, "10.00")
    f.partnership(org, partner, first_year=2022, last_year=2023)
    html = _html(org, agreement, associations_placement="footnote")
    assert (
        "två föreningar inom civilsamhället<doc-note" in html
        and "samt till Stiftelsen Partner inom idéburet offentligt partnerskap (IOP)." in html
    )
    assert "Följande föreningar har erhållit medel 2023: Föreningen A och Föreningen B." in html
    assert (
        "Antal mottagare räknar varje mottagare för sig, också partnerna i idéburna "
        "offentliga partnerskap (IOP)." in html
    )
    # The bilaga, when chosen, lists every förening with its amount and marks the partner.
    document = decision_document_current(agreement)
    document.associations_placement = "attachment"
    document.save()
    attachment = decision_document_html(decision_document_rendering(document, agreement))
    assert (
        "Tre föreningar inom civilsamhället, varav en i idéburet offentligt partnerskap (IOP), "
        "fick sammanlagt 30\u00a0kr" in attachment
    )
    assert "Stiftelsen Partner (IOP)</th>" in attachment


def test_a_partnership_of_other_years_makes_no_iop_partner():
    org = f.organisation()
    agreement = f.agreement(org, 2023)
    area = f.area(agreement, "6000000.00")
    club = f.recipient(org, name="Klubben", kind=ASSOCIATION, organisation_number="802400-1011")
    f.allocation(area, club, "10.00")
    f.partnership(org, club, first_year=2024, last_year=2026)
    html = _html(org, agreement)
    assert "medel till en förening inom civilsamhället" in html
    assert "IOP" not in html


def test_next_years_amount_comes_from_its_agreement():
    org = f.organisation(name="Teststad")
    agreement = f.agreement(org, 2023)
    f.area(agreement, "1000000.00")
    next_agreement = f.agreement(org, 2024)
    f.area(next_agreement, "20000000.00")
    f.area(next_agreement, "12345678.90")
    assert "<p>Teststad tilldelas 32,3\u00a0mnkr för år 2024.</p>" in _html(org, agreement)


def test_without_next_years_agreement_nothing_is_said_of_it():
    org = f.organisation(name="Teststad")
    agreement = f.agreement(org, 2023)
    f.area(agreement, "1000000.00")
    html = _html(org, agreement)
    assert "för år 2024" not in html
    assert "tilldelas" not in html.split("Bakgrund")[1].split("Ärendet")[0]


def test_a_unit_belongs_to_a_forvaltning_of_its_own_organisation_one_level_deep():
    org, other = f.organisation(), f.organisation()
    forvaltning = _department(org, "Skolförvaltningen")
    unit = _department(org, "Skolförvaltningen – enhet", forvaltning)
    foreign = _department(other, "Annan förvaltning")
    for parent, message in (
        (foreign, "annan organisation"),
        (unit, "själv en enhet"),
    ):
        recipient = Recipient(organisation=org, name="Ny", kind=DEPARTMENT, parent=parent)
        with pytest.raises(ValidationError, match=message):
            recipient.full_clean()
    forvaltning.parent = _department(org, "Kommunstyrelsen")
    with pytest.raises(ValidationError, match="egna enheter"):
        forvaltning.full_clean()
