"""`manage.py send_followup_reminders`: before and after the deadline, never twice."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from funds.models import Agreement, FollowUpReminder
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    org = f.organisation(name="Stockholms stad")
    agr = f.agreement(
        org,
        2024,
        status=Agreement.Status.FOLLOW_UP,
        follow_up_deadline=datetime.date(2025, 2, 15),
    )
    area = f.area(agr, name="Suicidprevention")
    jarva = f.recipient(org, name="Järva")
    rinkeby = f.recipient(org, name="Rinkeby-Kista", successor=jarva)
    bromma = f.recipient(org, name="Bromma")
    f.allocation(area, jarva, "100000.00")
    f.allocation(area, rinkeby, "50000.00")  # the successor's reporter answers for it
    f.follow_up(f.allocation(area, bromma, "70000.00"), "1.00", status="submitted")
    amina = f.user(org, "reporter", recipient=jarva, email="amina@example.se", first_name="Amina")
    f.user(org, "reporter", recipient=bromma, email="bromma@example.se")
    f.user(org, "coordinator", email="samordnare@example.se")
    return agr, amina


def run(*args):
    out = StringIO()
    call_command("send_followup_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_nothing_is_sent_long_before_the_deadline(year):
    run("--today", "2025-01-31")  # 15 days before
    assert mail.outbox == []


def test_the_reminder_before_the_deadline_is_sent_once(year):
    output = run("--today", "2025-02-01")
    assert "1 e-postmeddelanden köade om 2 redovisningar" in output
    [message] = mail.outbox
    assert message.to == ["amina@example.se"]
    assert "senast 2025-02-15" in message.subject
    assert "Järva, Suicidprevention: 100\u00a0000\u00a0kr (ej påbörjad)" in message.body
    assert "Rinkeby-Kista" in message.body
    assert "/redovisning/" in message.body
    # Bromma submitted: no reminder. The next day's run sends nothing again.
    run("--today", "2025-02-02")
    run("--today", "2025-02-15")
    assert len(mail.outbox) == 1
    assert FollowUpReminder.objects.filter(kind="before").count() == 2


def test_the_overdue_reminder_is_sent_once_after_the_deadline(year):
    run("--today", "2025-02-01")
    run("--today", "2025-02-16")
    run("--today", "2025-02-17")
    assert [m.subject for m in mail.outbox] == [
        "Påminnelse: redovisa stimulansmedel 2024 senast 2025-02-15",
        "Försenad redovisning av stimulansmedel 2024",
    ]


def test_a_missed_before_reminder_is_not_sent_late(year):
    run("--today", "2025-03-01")
    assert len(mail.outbox) == 1 and "Försenad" in mail.outbox[0].subject
    assert not FollowUpReminder.objects.filter(kind="before").exists()


def test_days_changes_when_the_first_reminder_goes(year):
    run("--days", "3", "--today", "2025-02-11")
    assert mail.outbox == []
    run("--days", "3", "--today", "2025-02-12")
    assert len(mail.outbox) == 1


def test_closed_years_and_years_without_deadline_are_left_alone(year):
    agr, _ = year
    Agreement.objects.filter(pk=agr.pk).update(status=Agreement.Status.CLOSED)
    run("--today", "2025-02-16")
    Agreement.objects.filter(pk=agr.pk).update(status="follow_up", follow_up_deadline=None)
    run("--today", "2025-02-16")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "x"], "--days ska vara ett heltal"),
        (["--days", "-1"], "mellan 0 och 365"),
        (["--today", "2025-13-01"], "ÅÅÅÅ-MM-DD"),
        (["--today", "igår"], "ÅÅÅÅ-MM-DD"),
    ],
)
def test_bad_arguments_fail_with_a_message(year, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert mail.outbox == []


def test_a_grantee_is_reminded_of_the_grant_only(year):
    from funds.models import Allocation, Membership

    agr, _ = year
    jarva = Allocation.objects.get(recipient__name="Järva")
    grantee = f.user(email="forening@example.se")
    membership = Membership.objects.create(
        user=grantee, organisation=agr.organisation, role=Membership.Role.GRANTEE
    )
    grant = f.allocation(f.area(agr, name="Barn och unga"), jarva.recipient, "20000.00")
    membership.granted_allocations.add(grant)
    run("--today", "2025-02-01")
    [message] = [m for m in mail.outbox if m.to == ["forening@example.se"]]
    assert "Järva, Barn och unga: 20\u00a0000\u00a0kr" in message.body
    assert "Suicidprevention" not in message.body and "Rinkeby-Kista" not in message.body
