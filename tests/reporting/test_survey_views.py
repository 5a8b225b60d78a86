"""The enkät validation page and the workbook download: who may, and what they see."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funds.models import Agreement, FollowUp, Intervention, Membership, SurveyCategory
from reporting.survey.checks import survey_check
from reporting.survey.workbook import DRAFT_MARK
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(db):
    """A closed year with one problem of each kind the page lists, and one clean allocation."""
    org = f.organisation(name="Valideringskommunen")
    agreement = f.agreement(org, 2023, status=Agreement.Status.FOLLOW_UP)
    area = f.area(agreement, "300000.00", name="Suicidprevention")
    # This test brings its own short category lists instead of the reference data's.
    SurveyCategory.objects.filter(year=2023).delete()
    for group, label in [
        ("activity_type", "Kompetensutveckling"),
        ("goal", "Mindre risker"),
        ("target_group", "Unga vuxna"),
    ]:
        SurveyCategory.objects.create(year=2023, group=group, label=label)
    complete = list(SurveyCategory.objects.filter(year=2023))
    clean = f.recipient(org, name="Klara förvaltningen")
    follow_up = f.follow_up(
        f.allocation(area, clean, "100000.00"), "100000.00", status=FollowUp.Status.APPROVED
    )
    Intervention.objects.create(
        follow_up=follow_up, name="Klar insats", amount_spent=Decimal("100000.00")
    ).categories.set(complete)

    waiting = f.recipient(org, name="Väntande förvaltningen")
    submitted = f.follow_up(
        f.allocation(area, waiting, "100000.00"), "100000.00", status=FollowUp.Status.SUBMITTED
    )
    Intervention.objects.create(
        follow_up=submitted, name="Utan mål", amount_spent=Decimal("60000.00")
    ).categories.set([c for c in complete if c.group != "goal"])

    silent = f.recipient(org, name="Tysta förvaltningen")
    silent_allocation = f.allocation(area, silent, "100000.00")
    return {
        "org": org,
        "agreement": agreement,
        "code": org.code,
        "submitted": submitted,
        "silent_allocation": silent_allocation,
    }


def login(client, year, role):
    kwargs = {}
    if role == Membership.Role.REPORTER:
        kwargs["recipient"] = year["submitted"].allocation.recipient
    user = f.user(year["org"], role, **kwargs)
    client.force_login(user)
    return user


def check_url(year):
    return reverse("survey_check", args=[year["code"], 2023])


def download_url(year, draft=False):
    url = reverse("survey_download", args=[year["code"], 2023])
    return url + "?utkast=1" if draft else url


def test_it_lists_every_problem_with_a_link_to_fix_it(client, year):
    login(client, year, "coordinator")
    response = client.get(check_url(year))
    assert response.status_code == 200
    text = response.content.decode()
    problems = response.context["check"].problems
    messages = [problem.message for problem in problems]
    submitted_edit = reverse(
        "followup_edit", args=[year["code"], 2023, year["submitted"].allocation_id]
    )
    silent_edit = reverse("followup_edit", args=[year["code"], 2023, year["silent_allocation"].pk])
    expected = {
        "Väntande förvaltningen – 1. Suicidprevention: redovisningen är inte godkänd "
        "(status: Inskickad).": submitted_edit,
        "Väntande förvaltningen – 1. Suicidprevention: insatsernas belopp "
        "(60\xa0000\xa0kr) stämmer inte med förbrukat belopp (100\xa0000\xa0kr), "
        "skillnad 40\xa0000\xa0kr.": submitted_edit,
        "Väntande förvaltningen – 1. Suicidprevention: 1 insats saknar mål: ”Utan mål”.": (
            submitted_edit
        ),
        "Tysta förvaltningen – 1. Suicidprevention: redovisningen är inte påbörjad.": silent_edit,
    }
    for message, url in expected.items():
        assert message in messages
        problem = problems[messages.index(message)]
        assert problem.url == url
        assert f'href="{url}"' in text
    assert "Klara förvaltningen" not in " ".join(messages)
    assert "1 av 3" in text  # follow-ups approved


def test_a_complete_year_has_no_problems(client, year):
    Intervention.objects.filter(name="Utan mål").update(amount_spent=Decimal("100000.00"))
    Intervention.objects.get(name="Utan mål").categories.set(
        SurveyCategory.objects.filter(year=2023)
    )
    FollowUp.objects.filter(pk=year["submitted"].pk).update(status=FollowUp.Status.APPROVED)
    year["silent_allocation"].delete()
    f.repayment(year["agreement"].priority_areas.get(), "100000.00")  # the unallocated rest
    assert survey_check(year["agreement"]).problems == []
    login(client, year, "reader")
    assert "Inga problem" in client.get(check_url(year)).content.decode()
    response = client.get(download_url(year))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="enkat-' in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert "UTKAST" not in workbook.worksheets[0]["A1"].value


def test_the_export_is_refused_while_problems_remain(client, year):
    login(client, year, "coordinator")
    response = client.get(download_url(year))
    assert response.status_code == 409
    assert "Underlaget laddades inte ner" in response.content.decode()
    assert "redovisningen är inte påbörjad" in response.content.decode()


def test_a_coordinator_may_export_a_draft(client, year):
    login(client, year, "coordinator")
    response = client.get(download_url(year, draft=True))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-utkast.xlsx"')
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert all(DRAFT_MARK in sheet["A1"].value for sheet in workbook.worksheets)


def test_a_reader_may_not_export_a_draft(client, year):
    login(client, year, "reader")
    assert client.get(download_url(year, draft=True)).status_code == 403
    assert "utkast=1" not in client.get(check_url(year)).content.decode()


@pytest.mark.parametrize("url", [check_url, download_url])
def test_it_sends_anonymous_visitors_to_login(client, year, url):
    response = client.get(url(year))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [check_url, download_url])
def test_it_checks_ownership(client, year, url):
    client.force_login(f.user(f.organisation(name="Grannkommunen"), "coordinator"))
    assert client.get(url(year)).status_code == 404
    assert client.get(url(year) + "?utkast=1").status_code == 404


@pytest.mark.parametrize("url", [check_url, download_url])
def test_a_reporter_may_not(client, year, url):
    login(client, year, Membership.Role.REPORTER)
    assert client.get(url(year)).status_code == 403


def test_it_answers_404_for_a_year_without_agreement(client, year):
    login(client, year, "coordinator")
    assert client.get(reverse("survey_check", args=[year["code"], 2031])).status_code == 404


def test_it_only_reads(client, year):
    login(client, year, "coordinator")
    assert client.post(check_url(year)).status_code == 405
    assert client.post(download_url(year, draft=True)).status_code == 405


def test_the_page_uses_a_constant_number_of_queries(client, year):
    login(client, year, "coordinator")
    client.get(check_url(year))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(check_url(year)).status_code == 200
        counts.append(len(queries))
        # More of everything: recipients, follow-ups and incomplete interventions.
        area = year["agreement"].priority_areas.get()
        for n in range(5):
            recipient = f.recipient(year["org"], name=f"Fler {len(counts)}-{n}")
            follow_up = f.follow_up(f.allocation(area, recipient, "10.00"), "10.00")
            Intervention.objects.create(follow_up=follow_up, name="X", amount_spent=Decimal("5"))
    assert counts[0] == counts[1], counts


def test_the_demo_2024_draft_page_says_what_remains_and_lists_no_repayments(
    client, django_assert_max_num_queries
):
    demo_restore()
    agreement = Agreement.objects.get(organisation__code="0180", year=2024)
    assert agreement.status == Agreement.Status.DRAFT
    client.force_login(f.user(agreement.organisation, "coordinator"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("survey_check", args=["0180", 2024]))
    assert response.status_code == 200
    text = response.content.decode()
    messages = " ".join(problem.message for problem in response.context["check"].problems)
    assert "Det här återstår innan underlaget kan laddas ner" in text
    assert "inte beslutad" in messages and "Redovisning:" in messages
    assert "Godkännande och uppföljning: 0 av" in messages
    for repayment in ("betalas tillbaka till staten", "återbetalt", "oförbrukat"):
        assert repayment not in messages.lower()
    # The summary says where each area's money is followed up.
    assert "Länsdialog" in text and "5. Ett stärkt och utvecklat suicidpreventivt arbete" in text


def test_a_decided_year_lists_follow_ups_but_no_repayments(client, year):
    Agreement.objects.filter(pk=year["agreement"].pk).update(status=Agreement.Status.DECIDED)
    year["agreement"].refresh_from_db()
    messages = [problem.message for problem in survey_check(year["agreement"]).problems]
    assert any("redovisningen är inte påbörjad" in message for message in messages)
    assert not any("tillbaka till staten" in message for message in messages)
    assert not any("inte återbetalt" in message for message in messages)


def test_the_demo_2023_page_lists_the_unanswered_groups_as_problems(client):
    """Prestation, Ansvarig verksamhet and Samarbetspartner are Ej besvarat for all 97 insatser
    and Effekt for 86: the page names each insats and never says the export can be handed in."""
    demo_restore()
    agreement = Agreement.objects.get(organisation__code="0180", year=2023)
    client.force_login(f.user(agreement.organisation, "reader"))
    response = client.get(reverse("survey_check", args=["0180", 2023]))
    text = response.content.decode()
    problems = response.context["check"].problems
    assert "Inga problem" not in text and "underlaget kan lämnas in" not in text
    assert f"{len(problems)} problem att rätta innan underlaget laddas ner" in text
    assert len(problems) == 97
    first = problems[0]
    for problem in problems:
        assert "(Ej besvarat) om prestation" in problem.message
        # Three insatser name Ungdomsmottagning as ansvarig verksamhet (the demo's data).
        assert problem.message.endswith(
            ("ansvarig verksamhet och samarbetspartner.", "brukarinflytande och samarbetspartner.")
        )
        assert "effekt" not in problem.message  # allowed unanswered: counted below
    assert first.url.startswith("/0180/2023/") and "#insats-" in first.url
    assert f'href="{first.url}"' in text
    assert "Prestation: 97 insatser" in text and "Effekt: 86 insatser" in text
    assert "enkäten tillåter Ej besvarat" in text
    assert client.get(reverse("survey_download", args=["0180", 2023])).status_code == 409


def _links(html: str) -> list[str]:
    """Every link of a page to a page of the site (not static files, not in-page anchors)."""
    found = {unescape(href).split("#")[0] for href in re.findall(r'href="([^"]*)"', html)}
    return sorted(url for url in found if url.startswith("/") and not url.startswith("/static/"))


@pytest.mark.parametrize("status", [Agreement.Status.DRAFT, Agreement.Status.FOLLOW_UP])
def test_a_readers_page_has_no_link_the_reader_cannot_open(client, year, status):
    """Issue 22: the draft year's "Till beslutet" led a reader to 403. Every link on the
    reader's page is followed with the reader's session: none is refused or missing."""
    Agreement.objects.filter(pk=year["agreement"].pk).update(status=status)
    SurveyCategory.objects.filter(year=2023, group="goal").delete()  # an admin-only fix
    login(client, year, "reader")
    page = client.get(check_url(year))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Problemen rättas av en samordnare eller administratör" in text
    links = _links(text)
    assert check_url(year) in links and len(links) > 10
    for url in links:
        response = client.get(url)
        assert response.status_code not in (403, 404, 405), (url, response.status_code)
        if response.status_code == 302:
            assert "login" not in response.url, (url, response.url)
    assert reverse("agreement_decision", args=[year["code"], 2023]) not in text
    assert "/admin/" not in text
    # The problems themselves are still listed, only without a way in.
    messages = [problem.message for problem in page.context["problems"]]
    assert messages == [problem.message for problem in page.context["check"].problems]


def test_a_coordinator_still_gets_the_link_to_the_decision(client, year):
    Agreement.objects.filter(pk=year["agreement"].pk).update(status=Agreement.Status.DRAFT)
    login(client, year, "coordinator")
    text = client.get(check_url(year)).content.decode()
    assert f'href="{reverse("agreement_decision", args=[year["code"], 2023])}"' in text
    assert "Problemen rättas av" not in text
    assert "/admin/" not in text  # the category lists are the site administrator's
    assert "Fördelningen per mottagare och prioriterat område blir offentlig" in text


def test_a_site_administrator_gets_the_link_to_the_categories(client, year):
    SurveyCategory.objects.filter(year=2023, group="goal").delete()
    client.force_login(User.objects.create_superuser("root", password="pw"))
    text = client.get(check_url(year)).content.decode()
    assert 'href="/admin/funds/surveycategory/?year=2023"' in text
