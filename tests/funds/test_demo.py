"""`manage.py load_demo`: the demo data reproduces seed 004's figures and loads idempotently."""

import datetime
import shutil
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum

from funds.balance import agreement_balance
from funds.demo import rows
from funds.demo.rows import DATA_DIR, DemoDataError, demo_file, kr, split_exact
from funds.identifiers import normalise_organisation_number
from funds.models import (
    Agreement,
    Allocation,
    FollowUp,
    Intervention,
    Membership,
    PriorityArea,
    Recipient,
    Repayment,
    SurveyCategory,
)

# The demo is what `make run` loads into SQLite, so the smoke run on SQLite covers it too.
pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture(scope="module", autouse=True)
def demo_data(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at the end.

    Each test runs in a savepoint within it, so tests that change data do not leak, and
    nothing is left behind in a reused test database.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def mnkr(amount: Decimal) -> Decimal:
    return (amount / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def areas(year: int) -> list[PriorityArea]:
    return list(
        PriorityArea.objects.filter(agreement__organisation__code="0180", agreement__year=year)
    )


def test_2023_granted_matches_seed_004():
    agreement = Agreement.objects.get(organisation__code="0180", year=2023)
    lines = areas(2023)

    assert agreement.status == Agreement.Status.CLOSED
    assert agreement.registry_number == "SOF 2023/567"
    assert sum(area.granted for area in lines) == Decimal("45200000.00")
    assert [(area.number, area.name, mnkr(area.granted)) for area in lines] == [
        (1, "Utvecklingsarbete", Decimal("18.5")),
        (2, "Kunskapsbaserad socialtjänst", Decimal("9.4")),
        (3, "Samverkan för personer med samsjuklighet", Decimal("4.0")),
        (4, "Suicidprevention", Decimal("8.4")),
        (5, "Ungdomsmottagningar", Decimal("5.0")),
    ]
    # As in the real document: the rounded parts add up to 45,3 while the total is 45,2.
    assert sum(mnkr(area.granted) for area in lines) == Decimal("45.3")
    assert all(area.description for area in lines)


def test_2024_granted_matches_seed_004_and_is_partly_unallocated():
    agreement = Agreement.objects.get(organisation__code="0180", year=2024)
    lines = areas(2024)

    assert agreement.agreed_on == datetime.date(2023, 12, 21)
    assert agreement.status == Agreement.Status.DRAFT
    assert sum(area.granted for area in lines) == Decimal("32300000.00")
    assert [mnkr(area.granted) for area in lines] == [
        Decimal("9.4"),
        Decimal("8.2"),
        Decimal("7.9"),
        Decimal("6.8"),
    ]
    assert lines[2].name.startswith("Utvecklat arbete för att främja psykisk hälsa")
    for line in agreement_balance(agreement).lines:
        assert line.unallocated > 0
    assert not FollowUp.objects.filter(allocation__priority_area__agreement=agreement).exists()


def test_2023_split_by_recipient_kind_is_55_35_10():
    allocations = Allocation.objects.filter(priority_area__agreement__year=2023)
    total = allocations.aggregate(total=Sum("amount"))["total"]
    shares = {
        kind: allocations.filter(recipient__kind=kind).aggregate(s=Sum("amount"))["s"] * 100 / total
        for kind in (Recipient.Kind.DISTRICT, Recipient.Kind.DEPARTMENT, Recipient.Kind.ASSOCIATION)
    }

    assert total == Decimal("45200000.00")
    assert abs(shares[Recipient.Kind.DISTRICT] - 55) <= 1
    assert abs(shares[Recipient.Kind.DEPARTMENT] - 35) <= 1
    assert abs(shares[Recipient.Kind.ASSOCIATION] - 10) <= 1


def test_every_area_is_fully_allocated_in_whole_kronor():
    for area in areas(2023):
        amounts = list(area.allocations.values_list("amount", flat=True))
        assert sum(amounts) == area.granted
        assert all(amount == amount.to_integral_value() for amount in amounts)
    youth = PriorityArea.objects.get(agreement__year=2023, name="Ungdomsmottagningar")
    assert set(youth.allocations.values_list("recipient__kind", flat=True)) == {"district"}


def test_every_association_has_2023_money_and_a_valid_organisation_number():
    associations = Recipient.objects.filter(kind=Recipient.Kind.ASSOCIATION)
    listed = demo_file("recipients")["associations"]

    assert len([row for row in listed if not row.get("iop")]) == 16  # seed 004's footnote 2
    assert set(associations.values_list("name", flat=True)) == {row["name"] for row in listed}
    for association in associations:
        amounts = association.allocations.filter(priority_area__agreement__year=2023)
        assert amounts.exists(), association.name
        assert all(100_000 <= a.amount <= 900_000 for a in amounts), association.name
        number = association.organisation_number
        assert normalise_organisation_number(number) == number
    streetminds = Allocation.objects.get(
        priority_area__agreement__year=2023, recipient__name="Streetminds"
    )
    assert streetminds.priority_area.name == "Samverkan för personer med samsjuklighet"


def test_13_districts_before_the_reform_and_11_after():
    districts = Recipient.objects.filter(kind=Recipient.Kind.DISTRICT)

    assert districts.valid_on(datetime.date(2023, 6, 30)).count() == 13
    assert districts.valid_on(datetime.date(2023, 7, 1)).count() == 11


def test_merged_districts_are_in_their_successors_lineage():
    by_name = {recipient.name: recipient for recipient in Recipient.objects.all()}
    jarva = by_name["Järva stadsdelsförvaltning"]
    norra = by_name["Norra innerstadens stadsdelsförvaltning"]

    assert jarva.lineage_ids() == {
        jarva.pk,
        by_name["Rinkeby-Kista stadsdelsförvaltning"].pk,
        by_name["Spånga-Tensta stadsdelsförvaltning"].pk,
    }
    assert norra.lineage_ids() == {
        norra.pk,
        by_name["Norrmalm stadsdelsförvaltning"].pk,
        by_name["Östermalm stadsdelsförvaltning"].pk,
    }


def test_1_5_mnkr_unspent_was_repaid_to_the_state():
    follow_ups = FollowUp.objects.filter(allocation__priority_area__agreement__year=2023)
    unspent = [follow_up.unspent for follow_up in follow_ups.select_related("allocation")]
    repayments = Repayment.objects.filter(priority_area__agreement__year=2023)

    assert (
        follow_ups.count() == Allocation.objects.filter(priority_area__agreement__year=2023).count()
    )
    assert set(follow_ups.values_list("status", flat=True)) == {FollowUp.Status.APPROVED}
    assert sum(unspent) == Decimal("1500000.00")
    assert 8 <= sum(1 for amount in unspent if amount) <= 12
    for follow_up in follow_ups.select_related("allocation"):
        if follow_up.unspent:
            repayment = repayments.get(
                kind=Repayment.Kind.FROM_RECIPIENT,
                priority_area=follow_up.allocation.priority_area_id,
                recipient=follow_up.allocation.recipient_id,
            )
            assert repayment.amount == follow_up.unspent
    to_state = repayments.filter(kind=Repayment.Kind.TO_STATE)
    assert to_state.aggregate(total=Sum("amount"))["total"] == Decimal("1500000.00")


def test_the_2023_books_balance():
    balance = agreement_balance(Agreement.objects.get(year=2023))
    total = balance.total

    assert total.granted == Decimal("45200000.00")
    assert total.allocated == Decimal("45200000.00")
    assert total.spent == Decimal("43700000.00")
    assert total.repaid_by_recipients == Decimal("1500000.00")
    assert total.repaid_to_state == Decimal("1500000.00")
    assert total.reconciles
    assert len(balance.lines) == 5
    assert all(line.reconciles for line in balance.lines)


def test_interventions_account_for_exactly_what_was_spent():
    interventions = Intervention.objects.select_related("follow_up__allocation__priority_area")
    named = interventions.exclude(name__startswith="Löpande arbete inom")
    per_area: dict[str, int] = {}
    for intervention in named:
        area = intervention.follow_up.allocation.priority_area.name
        per_area[area] = per_area.get(area, 0) + 1
    for intervention in interventions:
        assert intervention.categories.exists(), intervention.name
    for follow_up in FollowUp.objects.filter(allocation__priority_area__agreement__year=2023):
        total = follow_up.interventions.aggregate(s=Sum("amount_spent"))["s"]
        assert total == follow_up.spent, follow_up

    assert 10 <= named.count() <= 15
    assert len(per_area) == 5
    assert all(2 <= count <= 3 for count in per_area.values())
    assert interventions.filter(name="Mentors in violence prevention (MVP)").exists()


def test_survey_categories_are_data_for_each_year():
    for year in (2023, 2024):
        categories = SurveyCategory.objects.filter(year=year)
        assert set(categories.values_list("group", flat=True)) == set(SurveyCategory.Group)
        assert categories.filter(
            group="target_group", label="Vård- och omsorgstagare 0–17 år"
        ).exists()


def test_running_it_again_changes_nothing():
    user_model = get_user_model()
    models = [*apps.get_app_config("funds").get_models(), Intervention.categories.through]
    models.append(user_model)
    counts = {model: model.objects.count() for model in models}
    versions = list(Allocation.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    password = user_model.objects.get(username="samordnare").password
    output = StringIO()

    call_command("load_demo", stdout=output)

    assert {model: model.objects.count() for model in models} == counts
    assert (
        list(Allocation.objects.order_by("pk").values_list("pk", "version", "updated_at"))
        == versions
    )
    assert user_model.objects.get(username="samordnare").password == password
    assert "Inget ändrades" in output.getvalue()


def test_it_restores_changed_demo_rows():
    follow_up = FollowUp.objects.filter(allocation__priority_area__agreement__year=2023).first()
    FollowUp.objects.filter(pk=follow_up.pk).update(spent=0)

    call_command("load_demo", stdout=StringIO())

    follow_up.refresh_from_db()
    assert follow_up.spent > 0
    assert follow_up.version == 2
    assert agreement_balance(Agreement.objects.get(year=2023)).total.reconciles


def test_it_fails_cleanly_when_the_books_do_not_add_up():
    # An allocation the demo does not know about over-allocates 2023; the run must stop
    # with a message and roll back everything it did, including the restored follow-up.
    area = PriorityArea.objects.get(agreement__year=2023, number=1)
    jarva = Recipient.objects.get(name="Järva stadsdelsförvaltning")
    Allocation.objects.create(priority_area=area, recipient=jarva, amount=Decimal("1000.00"))
    follow_up = FollowUp.objects.filter(allocation__priority_area=area).first()
    FollowUp.objects.filter(pk=follow_up.pk).update(spent=0)

    with pytest.raises(CommandError, match="Demodata kunde inte läsas in"):
        call_command("load_demo", stdout=StringIO())

    follow_up.refresh_from_db()
    assert follow_up.spent == 0


def test_the_demo_users_can_log_in(client):
    memberships = {
        m.user.username: m for m in Membership.objects.select_related("user", "recipient")
    }

    # Through the login form: the lockout backend (django-axes) needs the request.
    answer = client.post("/logga-in/", {"username": "samordnare", "password": "demo"})
    assert answer.status_code == 302 and "_auth_user_id" in client.session
    assert memberships["samordnare"].role == Membership.Role.COORDINATOR
    assert memberships["admin"].role == Membership.Role.ADMINISTRATOR
    assert memberships["admin"].user.is_superuser
    assert memberships["rapportor"].recipient.name == "Järva stadsdelsförvaltning"
    assert memberships["lasare"].role == Membership.Role.READER


def test_the_summary_lists_the_logins():
    output = StringIO()

    call_command("load_demo", stdout=output)

    text = output.getvalue()
    for username in ("samordnare", "admin", "rapportor", "lasare"):
        assert username in text
    assert "”demo”" in text


def test_split_exact_adds_up_to_the_krona():
    assert split_exact(Decimal("100.00"), [1, 1, 1]) == [Decimal(34), Decimal(33), Decimal(33)]
    assert split_exact(Decimal("10"), [1, 2, 2]) == [Decimal(2), Decimal(4), Decimal(4)]
    parts = split_exact(Decimal("4975030"), [48, 40, 38, 132])
    assert sum(parts) == Decimal("4975030")
    assert all(part == part.to_integral_value() for part in parts)


def test_a_misspelt_name_in_a_data_file_stops_the_run_and_names_it(tmp_path, monkeypatch):
    for path in DATA_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    users = tmp_path / "users.toml"
    users.write_text(
        users.read_text(encoding="utf-8").replace("Järva stadsdelsförvaltning", "Jarva"),
        encoding="utf-8",
    )
    monkeypatch.setattr(rows, "DATA_DIR", tmp_path)

    with pytest.raises(CommandError, match="mottagaren 'Jarva'"):
        call_command("load_demo", stdout=StringIO())


def test_a_float_amount_is_refused():
    with pytest.raises(DemoDataError, match="heltal eller en sträng"):
        kr(1.5)
