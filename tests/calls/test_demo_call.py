"""The demo's open call (calls/demo_data/call.toml): loaded through the coordinator's
workflows, open on the day the demo is loaded, listed publicly, and loaded once."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from calls.demo import call_demo_data
from calls.models import Call
from calls.queries import area_free_money
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db


def test_the_command_needs_the_funds_demo():
    with pytest.raises(CommandError, match="Kör `manage.py load_demo` först"):
        call_command("load_demo_calls", stdout=StringIO())


def test_the_demo_call_is_open_listed_and_loaded_once(client):
    demo_restore()
    out = StringIO()
    call_command("load_demo_calls", stdout=out)
    call = Call.objects.get()
    data = call_demo_data()

    assert "Lade in utlysningen" in out.getvalue()
    assert call.title == data["call"]["title"] and call.status == Call.Status.OPEN
    assert call.accepts_applications(timezone.now())
    assert (call.closes_at - timezone.now()).days in (29, 30)
    # A deadline as a call states it: 23.59 of the day, opened at 08.00, in local time.
    closes, opens = timezone.localtime(call.closes_at), timezone.localtime(call.opens_at)
    assert (closes.hour, closes.minute, opens.hour, opens.minute) == (23, 59, 8, 0)
    assert closes.date() == timezone.localdate() + datetime.timedelta(days=30)
    assert [c.name for c in call.criteria.order_by("position")] == [
        row["name"] for row in data["criteria"]
    ]
    # It reserves the area's money: what is left is the free money less the call's amount.
    assert area_free_money(call.priority_area) >= 0

    public = client.get("/utlysningar/").content.decode()
    assert call.title in public and call.agreement.organisation.name in public

    again = StringIO()
    call_command("load_demo_calls", stdout=again)
    assert "Fanns redan" in again.getvalue()
    assert Call.objects.count() == 1
