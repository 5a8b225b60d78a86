"""The database itself refuses bad money, even when forms and model validation are bypassed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from funds.identifiers import normalise_organisation_number, validate_municipality_code
from funds.models import Allocation, Membership, Organisation, PriorityArea, Recipient, Repayment
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    org = f.organisation()
    agr = f.agreement(org)
    pa = f.area(agr, "1000000.00")
    rec = f.recipient(org)
    return org, agr, pa, rec


def test_it_refuses_a_negative_allocation_in_the_database(setup):
    _, _, pa, rec = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(priority_area=pa, recipient=rec, amount=Decimal("-0.01"))
    assert Allocation.objects.count() == 0


def test_it_refuses_a_negative_amount_through_a_bulk_update(setup):
    _, _, pa, rec = setup
    f.allocation(pa, rec, "100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.update(amount=Decimal("-5"))
    assert Allocation.objects.get().amount == Decimal("100.00")


def test_it_refuses_a_duplicate_allocation_in_the_database(setup):
    _, _, pa, rec = setup
    f.allocation(pa, rec, "100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.bulk_create([Allocation(priority_area=pa, recipient=rec, amount=1)])
    assert Allocation.objects.count() == 1


def test_it_refuses_negative_granted_and_duplicate_years(setup):
    org, agr, _, _ = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityArea.objects.create(agreement=agr, number=9, name="X", granted=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.agreement(org, year=agr.year)


def test_it_protects_what_money_points_at(setup):
    _, agr, pa, rec = setup
    f.allocation(pa, rec, "100.00")
    with pytest.raises(ProtectedError):
        rec.delete()
    with pytest.raises(ProtectedError):
        pa.delete()
    with pytest.raises(ProtectedError):
        agr.delete()


def test_a_repayment_to_the_state_has_no_recipient(setup):
    _, _, pa, rec = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        Repayment.objects.create(
            priority_area=pa,
            kind=Repayment.Kind.TO_STATE,
            recipient=rec,
            amount=Decimal("1"),
            paid_on=datetime.date(2024, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Repayment.objects.create(
            priority_area=pa,
            kind=Repayment.Kind.FROM_RECIPIENT,
            amount=Decimal("1"),
            paid_on=datetime.date(2024, 1, 1),
        )


def test_a_reporter_membership_needs_a_recipient(setup):
    org, _, _, _ = setup
    user = f.user()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organisation=org, role="reporter")


def test_money_columns_keep_ore_exactly(setup):
    _, _, pa, rec = setup
    f.allocation(pa, rec, "123456789012.34")
    assert Allocation.objects.get().amount == Decimal("123456789012.34")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("212000-0142", "212000-0142"),
        ("2120000142", "212000-0142"),
        (" 802002-4280 ", "802002-4280"),
        ("802002-428", None),
    ],
)
def test_it_normalises_organisation_numbers(raw, expected):
    if expected is None:
        with pytest.raises(ValidationError):
            normalise_organisation_number(raw)
    else:
        assert normalise_organisation_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("212000-0143", "luhn"), ("12345", "format"), ("850101-1234", "personal"), ("", "format")],
)
def test_it_refuses_bad_organisation_numbers(raw, code):
    with pytest.raises(ValidationError) as error:
        normalise_organisation_number(raw)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("code", "ok"),
    [("0180", True), ("1480", True), ("0280", False), ("180", False), ("01800", False)],
)
def test_it_validates_municipality_codes(code, ok):
    if ok:
        validate_municipality_code(code)
    else:
        with pytest.raises(ValidationError):
            validate_municipality_code(code)


def test_organisation_clean_checks_code_by_kind():
    org = Organisation(name="Region Stockholm", kind=Organisation.Kind.REGION, code="0180")
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "code" in error.value.message_dict
    Organisation(name="Region Stockholm", kind=Organisation.Kind.REGION, code="01").full_clean()


def test_an_association_needs_a_valid_organisation_number(setup):
    org, _, _, _ = setup
    rec = Recipient(organisation=org, name="Förening", kind=Recipient.Kind.ASSOCIATION)
    with pytest.raises(ValidationError) as error:
        rec.full_clean()
    assert "organisation_number" in error.value.message_dict
    rec.organisation_number = "2120000142"
    rec.full_clean()
    assert rec.organisation_number == "212000-0142"


def test_recipients_valid_in_a_year_and_their_lineage(setup):
    org, _, _, _ = setup
    merged = f.recipient(org, name="Järva", valid_from=datetime.date(2023, 7, 1))
    old = f.recipient(
        org, name="Rinkeby-Kista", valid_to=datetime.date(2023, 6, 30), successor=merged
    )
    older = f.recipient(org, name="Rinkeby", valid_to=datetime.date(2010, 1, 1), successor=old)
    in_2023 = set(Recipient.objects.filter(organisation=org).valid_in_year(2023))
    assert {merged, old} <= in_2023 and older not in in_2023
    assert set(Recipient.objects.valid_on(datetime.date(2023, 8, 1)).filter(organisation=org)) >= {
        merged
    }
    assert old not in Recipient.objects.valid_on(datetime.date(2023, 8, 1))
    assert merged.lineage_ids() == {merged.pk, old.pk, older.pk}
    assert not older.is_valid_in_year(2023)


def test_an_allocation_to_a_recipient_of_another_year_or_organisation_is_invalid(setup):
    org, _, pa, _ = setup
    gone = f.recipient(org, valid_to=datetime.date(2020, 12, 31))
    with pytest.raises(ValidationError):
        Allocation(priority_area=pa, recipient=gone, amount=1).full_clean()
    stranger = f.recipient(f.organisation())
    with pytest.raises(ValidationError):
        Allocation(priority_area=pa, recipient=stranger, amount=1).full_clean()
