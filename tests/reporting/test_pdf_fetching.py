"""PDF rendering with a hostile logo fetches nothing and still produces the document; any
rendering error becomes a Swedish page and leaves no workflow half done."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from weasyprint.urls import FatalURLFetchingError

from calls.models import Call
from calls.workflows import Outcome, call_decide
from funds.models import Membership
from reporting.pdf import PdfRenderError
from tests import factories as f
from tests.reporting.pdfs import flat, pdf_text
from tests.reporting.test_decision_views import login, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    """A local HTTP server that counts the requests it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def hostile_logo(base: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="20">'
        f"<style>@import url({base}/import.css); rect {{ fill: u\\72l({base}/style.png) }}"
        "</style>"
        f'<image href="{base}/image.png" width="10" height="10"/>'
        f'<image xlink:href="{base}/xlink.png" width="10" height="10"/>'
        f'<rect width="40" height="20" style="fill: url({base}/fill.png)"/>'
        f'<use href="{base}/use.svg#a"/></svg>'
    ).encode()


def decide(call, outcomes):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CLOSED)
    call.refresh_from_db()
    return call_decide(
        call=call,
        outcomes=outcomes,
        registry_number="SOF 2024/9",
        decided_on=datetime.date(2024, 4, 2),
        announced_on=datetime.date(2024, 4, 3),
        decided_by="Socialdirektören",
        user=None,
    )


@pytest.fixture
def call_with_application():
    org = f.organisation(name="Kommunen", administration="Socialförvaltningen")
    area = f.area(f.agreement(org, 2024), "1000000.00")
    call = f.call(area, "100000.00")
    return call, f.application(call, contact_email="sokande@example.se")


def test_a_hostile_logo_fetches_nothing_and_the_letter_is_sent(server, call_with_application):
    base, hits = server
    call, application = call_with_application
    organisation = call.agreement.organisation
    # Stored directly: past the upload check, as an older or imported logo could be.
    organisation.logo, organisation.logo_content_type = hostile_logo(base), "image/svg+xml"
    organisation.save()
    decide(call, [Outcome(application.pk, False, Decimal("0"), "Utanför syftet.")])
    (message,) = mail.outbox
    assert "avslår ansökan" in flat(pdf_text(message.attachments[0][1]))
    assert hits == []


def test_a_hostile_logo_in_the_decision_document_fetches_nothing(server, client, year):
    base, hits = server
    year.organisation.logo = hostile_logo(base)
    year.organisation.logo_content_type = "image/svg+xml"
    year.organisation.save()
    login(client, year, Membership.Role.READER)
    response = client.get(url(year, "decision_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert hits == []


def test_a_rendering_error_rolls_the_decision_back(monkeypatch, call_with_application):
    call, application = call_with_application

    def fail(*args, **kwargs):
        raise FatalURLFetchingError("stopped")  # a BaseException, as WeasyPrint raises it

    monkeypatch.setattr("weasyprint.HTML.write_pdf", fail)
    with pytest.raises(PdfRenderError):
        decide(call, [Outcome(application.pk, False, Decimal("0"), "Utanför syftet.")])
    call.refresh_from_db()
    application.refresh_from_db()
    assert call.status == Call.Status.CLOSED and application.status == "submitted"
    assert not mail.outbox


def test_a_rendering_error_is_a_swedish_page(monkeypatch, client, year):
    def fail(*args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr("weasyprint.HTML.write_pdf", fail)
    login(client, year, Membership.Role.READER)
    response = client.get(url(year, "decision_pdf"))
    assert response.status_code == 503
    assert "PDF-dokumentet kunde inte skapas" in response.content.decode()
