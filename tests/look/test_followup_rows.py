"""The reporter's report page and the page of a new insats: "Lägg till insats" is a link to a
page that builds one form and saves nothing until "Spara insatsen", whatever a post declares."""

import pytest
from django.urls import reverse

from funds.followup.forms import InterventionForm
from funds.models import Agreement, FollowUp, FollowUpChange, Intervention
from tests import factories as f
from tests.followup_posts import insats_url, report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = f.organisation()
    agr = f.agreement(org, 2024, status=Agreement.Status.DECIDED)
    rec = f.recipient(org)
    alloc = f.allocation(f.area(agr), rec, "400000.00")
    return alloc, f.user(org, "reporter", recipient=rec), f.user(org, "reader")


def test_lagg_till_insats_is_a_link_to_a_page_that_saves_nothing(client, world):
    alloc, reporter, _ = world
    client.force_login(reporter)
    body = client.get(report_url(alloc)).content.decode()
    assert f'href="{insats_url(alloc)}">Lägg till insats</a>' in body
    page = client.get(insats_url(alloc))
    text = page.content.decode()
    assert page.status_code == 200 and "<h1>Ny insats</h1>" in text
    assert 'name="insats-name"' in text and ">Spara insatsen</button>" in text
    assert not FollowUp.objects.exists() and not Intervention.objects.exists()


def test_a_post_builds_one_form_whatever_it_declares(client, world, monkeypatch):
    alloc, reporter, _ = world
    client.force_login(reporter)
    built = []
    original = InterventionForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(InterventionForm, "__init__", counting)
    data = {"insats-version": 0, "insats-TOTAL_FORMS": 1200, "insats-name": ""}
    response = client.post(insats_url(alloc), data)
    assert response.status_code == 422 and "Ange insatsens namn." in response.content.decode()
    assert built == [1]
    assert not FollowUp.objects.exists() and not FollowUpChange.objects.exists()


def test_a_saved_insats_returns_to_its_row_on_the_report(client, world):
    alloc, reporter, _ = world
    client.force_login(reporter)
    data = {"insats-version": 0, "insats-name": "Kuratorer", "insats-amount_spent": "1 000"}
    response = client.post(insats_url(alloc), data)
    assert response.status_code == 302 and response.url == f"{report_url(alloc)}#insats-1"
    body = client.get(response.url).content.decode()
    assert "Insats 1, ”Kuratorer”, är sparad." in body and '<tr id="insats-1">' in body
    assert FollowUp.objects.get().status == "draft"  # the first insats started the report


def test_only_report_writers_get_a_new_insats_page(client, world):
    alloc, _, reader = world
    client.force_login(reader)
    assert client.get(insats_url(alloc)).status_code == 403
    body = client.get(report_url(alloc)).content.decode()
    assert "Lägg till insats" not in body


def test_the_review_comes_before_the_insatser(client, world):
    alloc, reporter, _ = world
    org = alloc.priority_area.agreement.organisation
    f.follow_up(alloc, "1000.00", status=FollowUp.Status.SUBMITTED)
    client.force_login(f.user(org, "coordinator"))
    args = [org.code, 2024, alloc.pk]
    body = client.get(reverse("followup_edit", args=args)).content.decode()
    review = body.index('id="review-heading"')
    assert body.index('class="figures figures-compact"') < review < body.index('id="insatser"')
    assert "Godkänn redovisningen" in body and "Skicka tillbaka till rapportören" in body
