"""Races and double posts over two real database connections (two threads, each with its own
connection): a submitted application stays submitted, a double-clicked sign-up or
application start makes one row and never a 500."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from calls.models import Application, BudgetRow
from funds.models import SurveyCategory
from tests import factories as f
from tests.calls.pdfs import pdf

ROUNDS = 20


def _together(*requests):
    """Run each request (a no-argument callable) in its own thread, started at one barrier;
    the responses in the order given."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait()
            responses[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def _logged_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _data(target: SurveyCategory, title: str) -> dict:
    return {
        "organisation_name": "Föreningen Fyren",
        "organisation_number": f.luhn_number("802444444"),
        "organisation_kind": "ideell_forening",
        "contact_name": "Kim Kontakt",
        "contact_email": "kim@example.se",
        "contact_phone": "070-111 22 33",
        "project_title": title,
        "description": "Stödgrupper för unga vuxna.",
        "expected_results": "Fler unga får stöd tidigt.",
        "target_groups": [target.pk],
        "amount_requested": "1000",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "20",
        "budget-0-item": "Gruppledare",
        "budget-0-amount": "1000",
    }


@pytest.mark.django_db(transaction=True)
def test_a_draft_save_never_puts_a_submitted_application_back_to_draft():
    call = f.call(f.area(f.agreement(f.organisation(), 2024)), "100000.00")
    target = SurveyCategory.objects.create(year=2024, group="target_group", label="Unga")
    for round_ in range(ROUNDS):
        application = f.application(call, status="draft", submitted_at=None)
        BudgetRow.objects.create(application=application, item="Lokal", amount=Decimal("1000"))
        application.target_groups.add(target)
        url = f"/ansokningar/{application.pk}/"
        submitter, saver = _logged_in(application.applicant), _logged_in(application.applicant)
        submit, save = _together(
            lambda: submitter.post(url, {**_data(target, "Inskickad"), "action": "submit"}),
            lambda: saver.post(url, {**_data(target, f"Utkast {round_}"), "action": "save"}),
        )
        application.refresh_from_db()
        assert submit.status_code == 302, submit.content.decode()[:500]
        assert save.status_code in (302, 400), save.status_code
        assert application.status == Application.Status.SUBMITTED, round_
        assert application.submitted_at is not None
        if save.status_code == 400:
            # The save came second: refused in Swedish, the submitted text kept.
            assert "redan inskickad" in save.content.decode()
            assert application.project_title == "Inskickad"


@pytest.mark.django_db(transaction=True)
def test_an_upload_racing_the_submit_is_in_the_submitted_application_or_refused():
    call = f.call(f.area(f.agreement(f.organisation(), 2024)), "100000.00")
    target = SurveyCategory.objects.create(year=2024, group="target_group", label="Unga")
    for round_ in range(ROUNDS):
        application = f.application(call, status="draft", submitted_at=None)
        BudgetRow.objects.create(application=application, item="Lokal", amount=Decimal("1000"))
        application.target_groups.add(target)
        url = f"/ansokningar/{application.pk}/"
        submitter, uploader = _logged_in(application.applicant), _logged_in(application.applicant)
        file = SimpleUploadedFile("bilaga.pdf", pdf(), content_type="application/pdf")
        submit, upload = _together(
            lambda: submitter.post(url, {**_data(target, "Inskickad"), "action": "submit"}),
            lambda: uploader.post(f"{url}bilagor/", {"file": file}),
        )
        application.refresh_from_db()
        assert submit.status_code == 302 and upload.status_code == 302, round_
        assert application.status == Application.Status.SUBMITTED, round_
        # Never a file added after the submit: it came first, or it was refused.
        late = application.attachments.filter(uploaded_at__gt=application.submitted_at)
        assert not late.exists(), round_


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_sign_up_makes_one_account_and_the_same_answer(settings):
    settings.MAIL_LIMIT_PER_CLIENT = 1000
    cache.clear()
    for round_ in range(ROUNDS):
        email = f"dubbel{round_}@example.se"
        data = {
            "name": "Dana Dubbel",
            "email": email,
            "phone": "",
            "password": "en lång fras att minnas",
            "password_again": "en lång fras att minnas",
        }
        one, two = Client(raise_request_exception=False), Client(raise_request_exception=False)
        first, second = _together(
            lambda: one.post("/utlysningar/konto/", data),
            lambda: two.post("/utlysningar/konto/", data),
        )
        assert first.status_code == second.status_code == 200, round_
        for response in (first, second):
            assert "Om adressen" in response.content.decode()
        assert User.objects.filter(username=email).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_application_start_makes_one_application():
    call = f.call(f.area(f.agreement(f.organisation(), 2024)), "100000.00")
    for round_ in range(ROUNDS):
        applicant = f.applicant()
        one, two = _logged_in(applicant), _logged_in(applicant)
        first, second = _together(
            lambda: one.post(f"/utlysningar/{call.pk}/ansok/"),
            lambda: two.post(f"/utlysningar/{call.pk}/ansok/"),
        )
        assert first.status_code == second.status_code == 302, round_
        assert first.url == second.url
        assert Application.objects.filter(call=call, applicant=applicant).count() == 1
