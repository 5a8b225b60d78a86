"""Reservations, proposals, decisions, letters and the public record, below the pages."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from calls.exports import record_applications, record_xlsx
from calls.letters import record_pdf
from calls.models import Call
from calls.queries import reserved_by_calls
from calls.workflows import Outcome, call_decide, call_save, proposals_set
from tests import factories as f
from tests.reporting.pdfs import flat, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    org = f.organisation(name="Kommunen", administration="Socialförvaltningen")
    pa = f.area(f.agreement(org, 2024), "1000000.00")
    f.allocation(pa, f.recipient(org), "600000.00")
    return pa


def test_undecided_calls_reserve_money_per_area(area):
    first = f.call(area, "100000.00")
    f.call(area, "50000.50", status=Call.Status.DRAFT)
    other_area = f.area(area.agreement, "10.00")
    assert reserved_by_calls(area.agreement) == {area.pk: Decimal("150000.50")}
    Call.objects.filter(pk=first.pk).update(status=Call.Status.DECIDED)
    assert reserved_by_calls(area.agreement) == {area.pk: Decimal("50000.50")}
    assert other_area.pk not in reserved_by_calls(area.agreement)


def test_a_call_cannot_reserve_more_than_is_free(area, django_user_model):
    f.call(area, "300000.00")
    draft = Call(
        agreement=area.agreement,
        priority_area=area,
        title="För mycket",
        purpose="x",
        amount=Decimal("100000.01"),
        opens_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
    )
    with pytest.raises(ValidationError, match="kvar att fördela inom området"):
        call_save(call=draft, criteria=[], user=None)
    draft.amount = Decimal("100000.00")
    call_save(call=draft, criteria=[{"name": "A", "description": "", "weight": 1}], user=None)
    assert draft.criteria.count() == 1


def test_the_year_overview_shows_the_reservation(area):
    f.call(area, "123456.00", title="Öppen utlysning")
    client = Client()
    client.force_login(f.user(area.agreement.organisation, "coordinator"))
    page = client.get(f"/{area.agreement.organisation.code}/2024/").content.decode()
    assert "Reserverat av utlysningar" in page and "123\u00a0456\u00a0kr" in page


def test_proposals_never_exceed_what_the_area_still_has(area):
    call = f.call(area, "300000.00")
    one = f.application(call, amount_requested=Decimal("300000.00"))
    # The matrix gives away money after the call was published: the call can hand out less.
    f.allocation(area, f.recipient(area.agreement.organisation), "250000.00")
    with pytest.raises(ValidationError, match="bara 150"):
        proposals_set(call=call, amounts={one.pk: Decimal("150000.01")}, user=None)
    proposals_set(call=call, amounts={one.pk: Decimal("150000.00")}, user=None)
    one.refresh_from_db()
    assert one.proposed_amount == Decimal("150000.00")
    with pytest.raises(ValidationError, match="större än det sökta"):
        proposals_set(call=call, amounts={one.pk: Decimal("300000.01")}, user=None)


def _decide(call, outcomes, user=None):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    call.refresh_from_db()
    return call_decide(
        call=call,
        outcomes=outcomes,
        registry_number="SOF 2024/9",
        decided_on=datetime.date(2024, 4, 2),
        announced_on=datetime.date(2024, 4, 3),
        decided_by="Socialdirektören",
        user=user,
    )


def test_a_rejection_letter_says_how_to_appeal(area):
    call = f.call(area, "100000.00")
    application = f.application(call, contact_email="avslag@example.se")
    _decide(call, [Outcome(application.pk, False, Decimal("0"), "Ligger utanför syftet.")])
    application.refresh_from_db()
    assert application.status == "rejected"
    (message,) = mail.outbox
    assert message.to == ["avslag@example.se"]
    text = flat(pdf_text(message.attachments[0][1]))
    assert "avslår ansökan" in text and "Ligger utanför syftet." in text
    assert "laglighetsprövning enligt 13 kap. kommunallagen" in text
    assert "inom tre veckor" in text and "3 april 2024" in text and "24 april 2024" in text
    assert "Kommunen" in text and "Socialförvaltningen" in text


def test_the_appeal_deadline_skips_christmas(area, client):
    """Announced on 4 December 2026: three weeks end on juldagen; lag (1930:173) moves the
    last day past annandag jul and the weekend to Monday 28 December."""
    call = f.call(area, "100000.00")
    application = f.application(call, contact_email="jul@example.se")
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    call.refresh_from_db()
    call_decide(
        call=call,
        outcomes=[Outcome(application.pk, False, Decimal("0"), "Utanför syftet.")],
        registry_number="2026/12",
        decided_on=datetime.date(2026, 12, 3),
        announced_on=datetime.date(2026, 12, 4),
        decided_by="Nämndens ordförande",
        user=None,
    )
    text = flat(pdf_text(mail.outbox[0].attachments[0][1]))
    assert "senast 28 december 2026" in text and "25 december" not in text
    client.force_login(f.user(area.agreement.organisation, "coordinator"))
    org, year = area.agreement.organisation.code, area.agreement.year
    page = client.get(f"/{org}/{year}/utlysningar/{call.pk}/").content.decode()
    assert "sista dag för överklagande 28 december 2026" in page


def test_a_decision_covers_every_application_and_fits_the_money(area):
    call = f.call(area, "100000.00")
    one, two = f.application(call), f.application(call)
    with pytest.raises(ValidationError, match="varje inskickad ansökan"):
        _decide(call, [Outcome(one.pk, True, Decimal("1"), "Bra")])
    with pytest.raises(ValidationError, match="men det finns bara"):
        _decide(
            call,
            [
                Outcome(one.pk, True, Decimal("60000"), "Bra"),
                Outcome(two.pk, True, Decimal("40000.01"), "Bra"),
            ],
        )
    assert not mail.outbox
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED


def test_the_public_record_has_no_personal_data(area):
    call = f.call(area, "100000.00", title="Utlysning för diariet")
    application = f.application(
        call,
        organisation_name="Föreningen Öppen",
        contact_name="Hemlig Person",
        contact_email="hemlig@example.se",
        contact_phone="070-999 99 99",
    )
    _decide(call, [Outcome(application.pk, True, Decimal("75000.25"), "Stärker unga.")])
    workbook = load_workbook(BytesIO(record_xlsx(call)))
    cells = [str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row]
    text = " ".join(cells)
    assert "Föreningen Öppen" in text and "Stärker unga." in text and "75000.25" in text
    pdf = flat(pdf_text(record_pdf(call, record_applications(call))))
    assert "Föreningen Öppen" in pdf and "75 000,25 kr" in pdf and "Utlysning för diariet" in pdf
    for secret in ("Hemlig", "hemlig@example.se", "070-999"):
        assert secret not in text and secret not in pdf


def test_closing_early_moves_the_deadline_and_a_call_needs_criteria(area):
    from django.utils import timezone

    from calls.workflows import call_set_status

    call = f.call(area, "1000.00")
    call_set_status(call=call, status=Call.Status.CLOSED)
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED and call.closes_at <= timezone.now()
    assert not call.accepts_applications()
    bare = f.call(area, "1000.00", status=Call.Status.DRAFT)
    bare.criteria.all().delete()
    with pytest.raises(ValidationError, match="bedömningskriterium"):
        call_set_status(call=bare, status=Call.Status.OPEN)


def test_a_decision_letter_carries_the_organisations_logo(area):
    """The letterhead's logo (reporting/letterhead.py, as in the tjänsteutlåtande) is embedded
    from the database, not fetched from disk or network."""
    import base64
    import re
    import zlib

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    organisation = area.agreement.organisation
    organisation.logo, organisation.logo_content_type = png, "image/png"
    organisation.save()
    call = f.call(area, "100000.00")
    application = f.application(call, contact_email="logga@example.se")
    _decide(call, [Outcome(application.pk, False, Decimal("0"), "Utanför syftet.")])
    (message,) = mail.outbox
    pdf = message.attachments[0][1]
    streams = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            streams.append(zlib.decompress(match.group(1)))
    assert any(b"/Subtype /Image" in part or b"/Subtype/Image" in part for part in streams)
