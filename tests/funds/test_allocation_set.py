"""allocation_set: lifecycle rules, the audit trail, and no lost updates."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funds.allocation.workflows import (
    AllocationConflict,
    agreement_decide,
    allocation_set,
)
from funds.models import Agreement, Allocation, AllocationChange
from funds.year.status import agreement_status_change
from tests import factories as f

D = Decimal


@pytest.fixture
def cell(db):
    org = f.organisation()
    agr = f.agreement(org, 2024)
    return f.area(agr, "1000000.00"), f.recipient(org), f.user(org)


def test_it_creates_updates_and_records_every_change(cell):
    area, rec, user = cell
    first = allocation_set(
        area=area, recipient=rec, amount=D("100.00"), expected_version=0, user=user
    )
    assert first.changed and first.allocation.version == 1
    second = allocation_set(
        area=area, recipient=rec, amount=D("250.50"), expected_version=1, user=user
    )
    assert second.allocation.version == 2
    assert Allocation.objects.get().amount == D("250.50")
    changes = list(AllocationChange.objects.order_by("pk").values_list("old_amount", "new_amount"))
    assert changes == [(None, D("100.00")), (D("100.00"), D("250.50"))]


def test_an_unchanged_amount_writes_nothing(cell):
    area, rec, user = cell
    allocation_set(area=area, recipient=rec, amount=D("100"), expected_version=0, user=user)
    again = allocation_set(area=area, recipient=rec, amount=D("100"), expected_version=1, user=user)
    assert not again.changed
    assert AllocationChange.objects.count() == 1


def test_a_stale_version_is_a_conflict_and_saves_nothing(cell):
    area, rec, user = cell
    allocation_set(area=area, recipient=rec, amount=D("100"), expected_version=0, user=user)
    allocation_set(area=area, recipient=rec, amount=D("200"), expected_version=1, user=user)
    with pytest.raises(AllocationConflict) as conflict:
        allocation_set(area=area, recipient=rec, amount=D("999"), expected_version=1, user=user)
    assert conflict.value.current_amount == D("200.00")
    assert Allocation.objects.get().amount == D("200.00")
    assert AllocationChange.objects.count() == 2


def test_a_closed_year_is_read_only(cell):
    area, rec, user = cell
    Agreement.objects.filter(pk=area.agreement_id).update(status="closed")
    area.agreement.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        allocation_set(area=area, recipient=rec, amount=D("1"), expected_version=0, user=user)
    assert error.value.code == "closed"
    assert not Allocation.objects.exists()


def test_after_the_decision_a_change_needs_a_reason_and_is_an_amendment(cell):
    area, rec, user = cell
    allocation_set(area=area, recipient=rec, amount=D("100"), expected_version=0, user=user)
    agreement_decide(
        agreement=area.agreement,
        registry_number="SOF 2024/1",
        decided_on="2024-02-01",
        decided_by="X",
    )
    area.agreement.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        allocation_set(area=area, recipient=rec, amount=D("50"), expected_version=1, user=user)
    assert error.value.code == "reason_required"
    allocation_set(
        area=area,
        recipient=rec,
        amount=D("50"),
        expected_version=1,
        user=user,
        reason="Omfördelning",
    )
    change = AllocationChange.objects.first()
    assert change.is_amendment and change.reason == "Omfördelning" and change.changed_by == user


def test_deciding_is_refused_while_an_area_is_over_allocated(cell):
    area, rec, user = cell
    allocation_set(area=area, recipient=rec, amount=D("1000000.01"), expected_version=0, user=user)
    with pytest.raises(ValidationError) as error:
        agreement_decide(
            agreement=area.agreement, registry_number="X", decided_on="2024-02-01", decided_by="X"
        )
    assert error.value.code == "over_allocated"
    assert "0,01" in error.value.messages[0]
    assert Agreement.objects.get().status == "draft"


def test_the_lifecycle_goes_draft_decided_follow_up_closed(cell):
    area, _, _ = cell
    agr = agreement_decide(
        agreement=area.agreement, registry_number="SOF 1", decided_on="2024-02-01", decided_by="X"
    )
    assert agr.status == "decided" and agr.registry_number == "SOF 1"
    for change, expected in (("follow_up", "decided"), ("close", "follow_up")):
        agr = agreement_status_change(
            agreement=agr, change=change, expected_status=expected, user=None, reason="Klart"
        )
    assert agr.status == "closed"
    with pytest.raises(ValidationError):
        agreement_status_change(
            agreement=agr, change="close", expected_status="closed", user=None, reason="Igen"
        )
    assert [(c.from_status, c.to_status) for c in agr.status_changes.order_by("pk")] == [
        ("draft", "decided"),
        ("decided", "follow_up"),
        ("follow_up", "closed"),
    ]


def test_recipients_of_other_years_and_organisations_are_refused(cell):
    import datetime

    area, _, user = cell
    gone = f.recipient(area.agreement.organisation, valid_to=datetime.date(2023, 6, 30))
    with pytest.raises(ValidationError):
        allocation_set(area=area, recipient=gone, amount=D("1"), expected_version=0, user=user)
    with pytest.raises(ValidationError):
        allocation_set(
            area=area,
            recipient=f.recipient(f.organisation()),
            amount=D("1"),
            expected_version=0,
            user=user,
        )


def test_the_audit_trail_cannot_be_edited_or_deleted(cell):
    area, rec, user = cell
    allocation_set(area=area, recipient=rec, amount=D("1"), expected_version=0, user=user)
    change = AllocationChange.objects.get()
    change.reason = "efterhandskonstruktion"
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()


@pytest.mark.django_db(transaction=True)
def test_two_editors_on_two_connections_cannot_both_win():
    """Two threads (two database connections) save the same cell from the same version.

    The row lock serialises them: exactly one saves, the other gets a conflict.
    """
    org = f.organisation()
    area = f.area(f.agreement(org, 2024), "1000000.00")
    rec = f.recipient(org)
    user = f.user(org)
    allocation_set(area=area, recipient=rec, amount=D("100"), expected_version=0, user=user)
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(amount):
        try:
            barrier.wait()
            allocation_set(
                area=area, recipient=rec, amount=D(amount), expected_version=1, user=user
            )
            outcomes.append(("saved", amount))
        except AllocationConflict as conflict:
            outcomes.append(("conflict", conflict.current_amount))
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(a,)) for a in ("200", "300")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "saved"]
    winner = next(value for kind, value in outcomes if kind == "saved")
    loser_saw = next(value for kind, value in outcomes if kind == "conflict")
    assert Allocation.objects.get().amount == D(winner)
    assert loser_saw == D(winner)
    assert AllocationChange.objects.count() == 2
