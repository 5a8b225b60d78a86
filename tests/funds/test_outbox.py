"""Mails through the task queue (funds/outbox.py): queued with the change they announce,
sent once by a real worker process even when it is killed and restarted, a failing mail
server shown as "misslyckad", and "Skicka igen"."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from calls.models import Call, DecisionLetter
from calls.workflows import Outcome, call_decide
from funds.models import MailDelivery
from tests import factories as f

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _decided_call(count: int):
    org = f.organisation(name="Köpingsvik kommun")
    area = f.area(f.agreement(org, 2024), "1000000.00")
    call = f.call(area, "100000.00")
    applications = [
        f.application(call, contact_email=f"sokande{n}@example.se") for n in range(count)
    ]
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    call.refresh_from_db()
    call_decide(
        call=call,
        outcomes=[Outcome(a.pk, False, Decimal("0"), "Utanför syftet.") for a in applications],
        registry_number="KS 2024/1",
        decided_on=datetime.date(2024, 4, 2),
        announced_on=datetime.date(2024, 4, 3),
        decided_by="Socialchefen",
        user=None,
    )
    return org, applications


def _worker(sink: Path, fail: bool = False, hang_after: int | None = None) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD']}@"
        f"{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DJANGO_EMAIL_BACKEND": "tests.mailsink.EmailBackend",
        "MAIL_SINK": str(sink),
        "MAIL_SINK_FAIL": "1" if fail else "0",
        "DJANGO_DEBUG": "1",
    }
    if hang_after is not None:
        env["MAIL_SINK_HANG_AFTER"] = str(hang_after)
    command = [sys.executable, "manage.py", "mail_worker", "--no-reload", "--interval", "0.2"]
    command.append("--no-startup-delay")
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stderr=subprocess.DEVNULL)


def _sent() -> int:
    return MailDelivery.objects.filter(state=MailDelivery.State.SENT).count()


def _wait(condition, seconds: float = 120) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_restarted_delivers_every_letter_exactly_once(settings, tmp_path):
    settings.TASKS = DB_BACKEND
    org, applications = _decided_call(8)
    # The decision is committed with its 8 letters queued and nothing sent.
    assert MailDelivery.objects.filter(kind="decision_letter", state="queued").count() == 8
    assert not mail.outbox and DecisionLetter.objects.filter(sent_at__isnull=True).count() == 8
    sink = tmp_path / "sent.jsonl"
    # The first worker sends two letters, then the mail server stops answering in the middle
    # of the third: the worker is killed (SIGKILL) there, its task left marked running.
    worker = _worker(sink, hang_after=2)
    try:
        assert _wait(Path(f"{sink}.hanging").exists)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _sent() == 2 and len(sink.read_text().splitlines()) == 2
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
    worker = _worker(sink)
    try:
        assert _wait(lambda: _sent() == 8)
        # Let the restarted worker run the tasks that are still queued (duplicates of the
        # re-queued mails): they must find their mail sent and send nothing.
        assert _wait(lambda: not DBTaskResult.objects.filter(status="READY").exists())
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    lines = [json.loads(line) for line in sink.read_text().splitlines()]
    assert sorted(address for line in lines for address in line["to"]) == sorted(
        a.contact_email for a in applications
    )
    assert len({line["id"] for line in lines}) == len(lines) == 8
    assert DecisionLetter.objects.filter(sent_at__isnull=False).count() == 8


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_shows_failed_and_resend_works(settings, tmp_path, client):
    settings.TASKS = DB_BACKEND
    settings.MAIL_MAX_ATTEMPTS = 2
    settings.MAIL_RETRY_SECONDS = 0
    org, (application,) = _decided_call(1)
    sink = tmp_path / "sent.jsonl"
    # The worker reads the retry settings from its own environment.
    os.environ["DJANGO_MAIL_MAX_ATTEMPTS"], os.environ["DJANGO_MAIL_RETRY_SECONDS"] = "2", "0"
    try:
        worker = _worker(sink, fail=True)
        try:
            assert _wait(lambda: MailDelivery.objects.filter(state="failed").exists())
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    finally:
        del os.environ["DJANGO_MAIL_MAX_ATTEMPTS"], os.environ["DJANGO_MAIL_RETRY_SECONDS"]
    delivery = MailDelivery.objects.get()
    assert delivery.attempts == 2 and "Mejlservern svarar inte" in delivery.last_error
    client.force_login(f.user(org, "coordinator"))
    page = client.get(reverse("mail_list", args=[org.code])).content.decode()
    assert "misslyckad" in page and "Skicka igen" in page and "Mejlservern svarar inte" in page
    call = application.call
    detail = reverse("call_detail", args=[org.code, 2024, call.pk])
    assert '<td data-label="Beslutsbrev">misslyckad</td>' in client.get(detail).content.decode()
    assert client.get(reverse("mail_resend", args=[org.code, delivery.pk])).status_code == 405
    assert client.post(reverse("mail_resend", args=[org.code, delivery.pk])).status_code == 302
    assert MailDelivery.objects.get().state == "queued"
    worker = _worker(sink)
    try:
        assert _wait(lambda: _sent() == 1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert len(sink.read_text().splitlines()) == 1
    page = client.get(reverse("mail_list", args=[org.code])).content.decode()
    assert "skickad" in page


@pytest.mark.django_db
def test_a_rolled_back_change_queues_nothing_and_outsiders_see_no_mail(client):
    from django.db import transaction

    from funds.outbox import mail_enqueue

    org = f.organisation()
    with pytest.raises(RuntimeError), transaction.atomic():
        mail_enqueue(organisation=org, kind="receipt", to=["a@example.se"], subject="s", body="b")
        raise RuntimeError
    assert not MailDelivery.objects.exists()
    delivery = MailDelivery.objects.create(
        organisation=org, kind="receipt", to="a@example.se", subject="s", body="b", state="failed"
    )
    client.force_login(f.user(f.organisation(), "coordinator"))
    assert client.post(reverse("mail_resend", args=[org.code, delivery.pk])).status_code == 404
    client.force_login(f.user(org, "reader"))
    assert client.post(reverse("mail_resend", args=[org.code, delivery.pk])).status_code == 403
    assert MailDelivery.objects.get().state == "failed" and connection.is_usable()


@pytest.mark.django_db
def test_skicka_igen_never_sends_a_sent_mail_twice(client):
    from funds.outbox import mail_enqueue

    org = f.organisation()
    delivery = mail_enqueue(
        organisation=org, kind="reminder", to=["r@example.se"], subject="Påminnelse", body="b"
    )
    delivery.refresh_from_db()
    assert delivery.state == "sent" and len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<utskick-{delivery.pk}@")
    client.force_login(f.user(org, "coordinator"))
    response = client.post(reverse("mail_resend", args=[org.code, delivery.pk]), follow=True)
    assert (
        "Påminnelse om redovisning till r@example.se är redan skickad" in response.content.decode()
    )
    assert len(mail.outbox) == 1
