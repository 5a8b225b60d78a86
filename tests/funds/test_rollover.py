"""Starting a new year from the last: mapping areas, successors, exact scaling, the page."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from funds.allocation.rollover import allocations_roll_over, scale_exact
from funds.models import Agreement, Allocation, AllocationChange, PriorityArea, Recipient
from tests import factories as f
from tests.demo_image import demo_restore
from tests.funds import demo_names as demo

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(scope="module", autouse=True)
def demo_data(django_db_setup, django_db_blocker):
    """The demo (2023 closed, 2024 a draft) once for the module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_restore()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def years():
    """2023 and an empty 2024: the demo's 2024 draft allocations removed."""
    previous = Agreement.objects.get(organisation__code="0180", year=2023)
    current = Agreement.objects.get(organisation__code="0180", year=2024)
    Allocation.objects.filter(priority_area__agreement=current).delete()
    return previous, current


def area(agreement, name):
    return PriorityArea.objects.get(agreement=agreement, name=name)


def demo_mapping(previous, current):
    """2023's five areas onto 2024's four; Utvecklingsarbete is not carried over."""
    same = [demo.KUNSKAPSBASERAD, demo.SAMSJUKLIGHET, demo.SUICIDPREVENTION]
    mapping = {area(previous, name).pk: area(current, name).pk for name in same}
    mapping[area(previous, demo.UNGDOMSMOTTAGNINGAR).pk] = area(current, demo.BARN_OCH_UNGA).pk
    mapping[area(previous, demo.UTVECKLINGSARBETE).pk] = None
    return mapping


def area_sum(agreement, name, **filters):
    total = Allocation.objects.filter(priority_area=area(agreement, name), **filters).aggregate(
        total=Sum("amount")
    )["total"]
    return total or D("0.00")


def amount(agreement, area_name, recipient_name):
    allocation = Allocation.objects.filter(
        priority_area=area(agreement, area_name), recipient__name=recipient_name
    ).first()
    return allocation.amount if allocation else None


PAIRS = {
    demo.KUNSKAPSBASERAD: demo.KUNSKAPSBASERAD,
    demo.SAMSJUKLIGHET: demo.SAMSJUKLIGHET,
    demo.SUICIDPREVENTION: demo.SUICIDPREVENTION,
    demo.UNGDOMSMOTTAGNINGAR: demo.BARN_OCH_UNGA,
}


def test_scaled_each_area_adds_up_to_its_grant_to_the_ore(years):
    previous, current = years
    user = f.user()
    result = allocations_roll_over(
        previous=previous,
        current=current,
        mapping=demo_mapping(previous, current),
        scale=True,
        user=user,
    )
    for new_area in PriorityArea.objects.filter(agreement=current):
        assert area_sum(current, new_area.name) == new_area.granted
    assert result.not_carried == []
    assert result.created == Allocation.objects.filter(priority_area__agreement=current).count()

    # Every amount is in öre, and no recipient that did not exist in 2024 got any.
    allocations = Allocation.objects.filter(priority_area__agreement=current)
    assert all(a.amount == a.amount.quantize(D("0.01")) and a.amount > 0 for a in allocations)
    assert not allocations.filter(recipient__name=demo.RINKEBY_KISTA).exists()
    assert all(a.recipient.is_valid_in_year(2024) for a in allocations.select_related("recipient"))

    # Rinkeby-Kista's (and Spånga-Tensta's) money lands on Järva, in proportion.
    old, new = area(previous, demo.SUICIDPREVENTION), area(current, demo.SUICIDPREVENTION)
    mapped_old = area_sum(previous, demo.SUICIDPREVENTION)
    jarva_old = amount(previous, demo.SUICIDPREVENTION, demo.RINKEBY_KISTA) + amount(
        previous, demo.SUICIDPREVENTION, demo.SPANGA_TENSTA
    )
    expected = jarva_old * new.granted / mapped_old
    assert abs(amount(current, demo.SUICIDPREVENTION, demo.JARVA) - expected) <= D("0.01")
    assert old.granted != new.granted


def test_unscaled_each_area_gets_the_mapped_old_sums(years):
    previous, current = years
    allocations_roll_over(
        previous=previous,
        current=current,
        mapping=demo_mapping(previous, current),
        scale=False,
        user=f.user(),
    )
    for old_name, new_name in PAIRS.items():
        assert area_sum(current, new_name) == area_sum(previous, old_name)
        assert amount(current, new_name, demo.JARVA) == amount(
            previous, old_name, demo.RINKEBY_KISTA
        ) + (amount(previous, old_name, demo.SPANGA_TENSTA) or 0)
        assert amount(current, new_name, demo.RINKEBY_KISTA) is None
    # A recipient that existed both years keeps its amount.
    assert amount(current, demo.SUICIDPREVENTION, demo.UTBILDNING) == amount(
        previous, demo.SUICIDPREVENTION, demo.UTBILDNING
    )
    # Utvecklingsarbete was mapped to nothing: Idrottsförvaltningen only had money there.
    assert not Allocation.objects.filter(
        priority_area__agreement=current, recipient__name=demo.IDROTT
    ).exists()


def test_it_writes_the_audit_trail(years):
    previous, current = years
    user = f.user()
    result = allocations_roll_over(
        previous=previous,
        current=current,
        mapping=demo_mapping(previous, current),
        scale=True,
        user=user,
    )
    changes = AllocationChange.objects.filter(allocation__priority_area__agreement=current)
    assert changes.count() == result.created > 0
    assert {(c.reason, c.changed_by, c.old_amount, c.is_amendment) for c in changes} == {
        ("Överfört från 2023", user, None, False)
    }


def test_it_is_refused_when_the_new_year_already_has_allocations():
    previous = Agreement.objects.get(organisation__code="0180", year=2023)
    current = Agreement.objects.get(organisation__code="0180", year=2024)  # the demo's draft
    before = sorted(
        Allocation.objects.filter(priority_area__agreement=current).values_list("pk", "amount")
    )
    with pytest.raises(ValidationError, match="2024 har redan fördelningar"):
        allocations_roll_over(
            previous=previous,
            current=current,
            mapping=demo_mapping(previous, current),
            scale=True,
            user=f.user(),
        )
    after = Allocation.objects.filter(priority_area__agreement=current)
    assert sorted(after.values_list("pk", "amount")) == before


def test_it_is_refused_for_a_decided_year(years):
    previous, current = years
    Agreement.objects.filter(pk=current.pk).update(status=Agreement.Status.DECIDED)
    with pytest.raises(ValidationError, match="redan beslutad"):
        allocations_roll_over(
            previous=previous, current=current, mapping={}, scale=False, user=None
        )


def test_it_refuses_areas_of_other_years(years):
    previous, current = years
    wrong = {area(current, demo.SUICIDPREVENTION).pk: area(current, demo.SUICIDPREVENTION).pk}
    with pytest.raises(ValidationError, match="Okänt prioriterat område"):
        allocations_roll_over(
            previous=previous, current=current, mapping=wrong, scale=False, user=None
        )
    assert not Allocation.objects.filter(priority_area__agreement=current).exists()


def test_money_of_a_unit_without_successor_is_reported_not_lost_silently():
    org = f.organisation()
    old_year, new_year = f.agreement(org, 2023), f.agreement(org, 2024)
    old_area, new_area = f.area(old_year, "100.00"), f.area(new_year, "100.00")
    gone = f.recipient(org, name="Nedlagd", valid_to=datetime.date(2023, 12, 31))
    kept = f.recipient(org, name="Kvar")
    f.allocation(old_area, gone, "40.00")
    f.allocation(old_area, kept, "60.00")
    result = allocations_roll_over(
        previous=old_year,
        current=new_year,
        mapping={old_area.pk: new_area.pk},
        scale=True,
        user=None,
    )
    assert [line.split(":")[0] for line in result.not_carried] == ["Nedlagd (Område 1)"]
    assert Allocation.objects.get(priority_area=new_area).amount == D("100.00")


# --- Largest remainder -------------------------------------------------------------------


def recipients(*names):
    return [Recipient(pk=index, name=name) for index, name in enumerate(names, start=1)]


def test_scale_exact_breaks_ties_by_name():
    b, a, c = recipients("B", "A", "C")
    result = scale_exact({b: D("1.00"), a: D("1.00"), c: D("1.00")}, D("100.00"))
    assert result == {a: D("33.34"), b: D("33.33"), c: D("33.33")}


def test_scale_exact_gives_the_ore_to_the_largest_remainders():
    a, b, c = recipients("A", "B", "C")
    amounts = {a: D("2.00"), b: D("3.00"), c: D("5.00")}
    result = scale_exact(amounts, D("0.07"))  # 0,014 / 0,021 / 0,035 öre-wise
    assert result == {a: D("0.01"), b: D("0.02"), c: D("0.04")}
    assert sum(result.values()) == D("0.07")


def test_scale_exact_hits_the_target_for_awkward_figures():
    people = recipients(*"ABCDEFG")
    amounts = dict(
        zip(
            people,
            [
                D("18463210.00"),
                D("0.01"),
                D("9381540.37"),
                D("1.99"),
                D("4012330.00"),
                D("8367890.50"),
                D("4975030.13"),
            ],
            strict=True,
        )
    )
    for target in (D("32300000.00"), D("7903120.00"), D("0.00"), D("0.03"), D("99999999.99")):
        assert sum(scale_exact(amounts, target).values()) == target


# --- The page ----------------------------------------------------------------------------


def rollover_url(year=2024):
    return reverse("allocation_rollover", args=["0180", year])


def test_the_page_prefills_areas_by_their_lineage_and_creates_the_year(client, years):
    previous, current = years
    coordinator = f.user(current.organisation, "coordinator")
    client.force_login(coordinator)
    response = client.get(rollover_url())
    assert response.status_code == 200
    body = response.content.decode()
    old, new = area(previous, demo.SUICIDPREVENTION), area(current, demo.SUICIDPREVENTION)
    assert f'<label for="id_area_{old.pk}">2. Suicidprevention' not in body  # numbered 4 in 2023
    assert f'<label for="id_area_{old.pk}">4. Suicidprevention' in body
    form = response.context["form"]
    assert form[f"area_{old.pk}"].value() == new.pk
    assert form[f"area_{area(previous, demo.UTVECKLINGSARBETE).pk}"].value() == ""
    assert "Skala om till nya tilldelade belopp" in body
    assert "style=" not in body

    data = {
        f"area_{old_pk}": new_pk or "" for old_pk, new_pk in demo_mapping(previous, current).items()
    }
    data["scale"] = "on"
    response = client.post(rollover_url(), data)
    assert response.status_code == 302
    assert response.url == reverse("allocation_matrix", args=["0180", 2024])
    for new_area in PriorityArea.objects.filter(agreement=current):
        assert area_sum(current, new_area.name) == new_area.granted
    assert AllocationChange.objects.filter(
        allocation__priority_area__agreement=current, changed_by=coordinator
    ).exists()


def test_the_page_explains_a_refusal(client):
    current = Agreement.objects.get(organisation__code="0180", year=2024)  # has allocations
    client.force_login(f.user(current.organisation, "coordinator"))
    response = client.get(rollover_url())
    assert response.status_code == 200
    assert "2024 har redan fördelningar" in response.content.decode()
    count = Allocation.objects.filter(priority_area__agreement=current).count()
    response = client.post(rollover_url(), {"scale": "on"})
    assert response.status_code == 409
    assert Allocation.objects.filter(priority_area__agreement=current).count() == count


def test_the_page_explains_a_missing_previous_year(client):
    org = Agreement.objects.get(organisation__code="0180", year=2023).organisation
    client.force_login(f.user(org, "coordinator"))
    response = client.get(rollover_url(2023))
    assert "ingen överenskommelse för 2022" in response.content.decode()


def test_the_matrix_offers_the_rollover_only_on_an_empty_draft(client, years):
    _, current = years
    client.force_login(f.user(current.organisation, "coordinator"))
    matrix = reverse("allocation_matrix", args=["0180", 2024])
    assert rollover_url().encode() in client.get(matrix).content
    closed = reverse("allocation_matrix", args=["0180", 2023])
    assert rollover_url(2023).encode() not in client.get(closed).content


def test_the_page_checks_ownership(client, years):
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.get(rollover_url()).status_code == 404
    assert client.post(rollover_url(), {}).status_code == 404


def test_the_page_requires_an_editor(client, years):
    _, current = years
    client.force_login(f.user(current.organisation, "reader"))
    assert client.get(rollover_url()).status_code == 403
    assert client.post(rollover_url(), {"scale": "on"}).status_code == 403
    assert not Allocation.objects.filter(priority_area__agreement=current).exists()
