"""The issue's "done means", with the demo data: a district reports two interventions, the
coordinator returns the report, the reporter fixes it, the coordinator approves; the 2023
books still balance with 1,5 mnkr repaid. And a merged successor reports for its
predecessors."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from funds.balance import agreement_balance
from funds.models import Agreement, Allocation, FollowUp, FollowUpChange, SurveyCategory
from tests.demo_image import demo_restore
from tests.followup_posts import insats_post, report_in, report_post
from tests.funds.demo_names import BARN_OCH_UNGA, JARVA, RINKEBY_KISTA, SPANGA_TENSTA

pytestmark = pytest.mark.django_db
D = Decimal
Group = SurveyCategory.Group


@pytest.fixture(scope="module", autouse=True)
def demo_data(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_restore()
        yield
        transaction.set_rollback(True)


def login(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def category(group: str, label: str) -> int:
    return SurveyCategory.objects.get(year=2024, group=group, label=label).pk


RESULTS = "Ungdomsmottagningen har nått fler unga."


def intervention(name: str, amount: str, *, target_group: bool = True, **extra) -> dict:
    data = {
        "name": name,
        "description": f"{name}: beskrivning.",
        "responsible_unit": "Ungdomsmottagningen Järva",
        "amount_spent": amount,
        "results": "Väntetiden till kurator har kortats.",
        "cat_activity_type": [category(Group.ACTIVITY_TYPE, "Direkta insatser till målgrupp")],
        "cat_goal": [category(Group.GOAL, "Ökad tillgänglighet")],
        "cat_perspective": [category(Group.PERSPECTIVE, "Barnrätt")],
    }
    if target_group:
        data["cat_target_group"] = [
            category(Group.TARGET_GROUP, "Vård- och omsorgstagare 0–17 år"),
            category(Group.TARGET_GROUP, "Vård- och omsorgstagare 18–29 år"),
        ]
    data.update(extra)
    return data


def test_a_district_reports_and_the_coordinator_returns_and_approves():
    agreement = Agreement.objects.get(organisation__code="0180", year=2024)
    # 2024 is a draft in the demo: the year has to be decided before anyone reports.
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.DECIDED)
    allocation = Allocation.objects.get(
        priority_area__agreement=agreement,
        priority_area__name=BARN_OCH_UNGA,
        recipient__name=JARVA,
    )
    edit = reverse("followup_edit", args=["0180", 2024, allocation.pk])
    review = reverse("followup_review", args=["0180", 2024, allocation.pk])
    reporter, coordinator = login("rapportor"), login("samordnare")

    # The reporter's list holds Järva's allocation and nobody else's.
    body = reporter.get(reverse("followup_list", args=["0180", 2024])).content.decode()
    assert JARVA in body and "Bromma" not in body and "Ej påbörjad" in body

    # Two interventions; the second lacks its target group, so the submission is refused.
    items = [
        intervention("Förstärkt kuratorsbemanning", "200 000"),
        intervention("Samtalsgrupper", "50 000", target_group=False),
    ]
    response = report_in(reporter, allocation, "250 000", items, results=RESULTS)
    assert response.status_code == 422
    assert "Insats 2, ”Samtalsgrupper”, saknar målgrupp." in response.content.decode()
    follow_up = FollowUp.objects.get(allocation=allocation)
    pks = list(follow_up.interventions.order_by("pk").values_list("pk", flat=True))
    assert follow_up.status == "draft" and len(pks) == 2

    # The reporter opens the second insats from the summary's link and adds its target group.
    fixed = intervention("Samtalsgrupper", "50 000")
    assert insats_post(reporter, allocation, fixed, pk=pks[1]).status_code == 302
    response = report_post(reporter, allocation, "250 000", results=RESULTS, submit=True)
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "submitted"

    # The coordinator sees it on the board and returns it with a comment.
    board = coordinator.get(reverse("followup_board", args=["0180", 2024])).content.decode()
    assert "Inskickad" in board
    comment = "Samtalsgrupperna kostade 60 000 kr enligt ekonomin. Rätta beloppen."
    response = coordinator.post(
        review, {"action": "return", "version": follow_up.version, "comment": comment}
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "returned"
    assert comment in reporter.get(edit).content.decode()

    # The reporter fixes the amounts and submits again.
    fixed["amount_spent"] = "60 000"
    assert insats_post(reporter, allocation, fixed, pk=pks[1]).status_code == 302
    response = report_post(reporter, allocation, "260 000", results=RESULTS, submit=True)
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.spent) == ("submitted", D("260000"))

    response = coordinator.post(review, {"action": "approve", "version": follow_up.version})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "approved" and follow_up.approved_at is not None
    assert follow_up.unspent == allocation.amount - D("260000")
    assert sorted(follow_up.interventions.values_list("amount_spent", flat=True)) == [
        D("60000"),
        D("200000"),
    ]
    actions = list(
        FollowUpChange.objects.filter(follow_up=follow_up)
        .values_list("action", "new_spent", "detail")
        .order_by("pk")
    )
    # Each insats saved with money and each change of the spent amount leaves a line; adding
    # the target group and saving the unchanged figures again changed no money and left none.
    assert [(a, spent) for a, spent, _ in actions] == [
        ("saved", None),
        ("saved", None),
        ("saved", D("250000")),
        ("submitted", D("250000")),
        ("returned", D("250000")),
        ("saved", D("250000")),
        ("saved", D("260000")),
        ("submitted", D("260000")),
        ("approved", D("260000")),
    ]
    assert "Samtalsgrupper: 50\u00a0000\u00a0kr → 60\u00a0000\u00a0kr" in actions[5][2]

    # The closed 2023 books still balance to the öre, with 1,5 mnkr repaid.
    balance = agreement_balance(Agreement.objects.get(organisation__code="0180", year=2023))
    assert balance.total.repaid_by_recipients == D("1500000.00")
    assert balance.total.repaid_to_state == D("1500000.00")
    assert balance.total.allocated == balance.total.spent + balance.total.repaid_by_recipients
    assert all(line.reconciles for line in balance.lines)


def test_the_successor_sees_its_predecessors_2023_allocations_read_only():
    reporter = login("rapportor")
    body = reporter.get(reverse("followup_list", args=["0180", 2023])).content.decode()
    assert RINKEBY_KISTA in body and SPANGA_TENSTA in body and "Bromma" not in body
    allocation = Allocation.objects.filter(
        priority_area__agreement__year=2023, recipient__name=RINKEBY_KISTA
    ).first()
    edit = reverse("followup_edit", args=["0180", 2023, allocation.pk])
    body = reporter.get(edit).content.decode()
    assert "Godkänd" in body and "Skicka in" not in body
    # 2023 is closed: nothing can change.
    response = report_post(reporter, allocation, "1", submit=True)
    assert response.status_code == 422
    assert "Året är avslutat" in response.content.decode()
    bromma = Allocation.objects.filter(
        priority_area__agreement__year=2023, recipient__name__startswith="Bromma"
    ).first()
    assert reporter.get(reverse("followup_edit", args=["0180", 2023, bromma.pk])).status_code == 404
