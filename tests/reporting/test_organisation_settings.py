"""The organisation's document settings: its administrator sets them, the logo is checked
(size, PNG dimensions, SVG without scripts, references or DOCTYPE) and kept in the
database; the letterhead shows it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from funds.models import Membership, Organisation
from reporting.letterhead import letterhead_context, logo_resources
from tests import factories as f

pytestmark = pytest.mark.django_db

VALID = {
    "committee": "Kommunstyrelsen",
    "delegate": "kommundirektören",
    "signatory_title": "Kommundirektör",
    "second_signatory_title": "Enhetschef",
    "administration": "Kommunledningsförvaltningen",
    "address": "Storgatan 1, 999 99 Ekby",
}
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<rect width="40" height="20" fill="#00529b"/></svg>'
)


def png(width: int = 64, height: int = 32) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), (0, 82, 155)).save(output, "PNG")
    return output.getvalue()


def url(org: Organisation) -> str:
    return f"/{org.code}/installningar/"


def post(client, org, data: bytes | None = None, name: str = "logo.png", **changes):
    values = {**VALID, **changes}
    if data is not None:
        values["logo_file"] = SimpleUploadedFile(name, data)
    return client.post(url(org), values)


@pytest.fixture
def org():
    return f.organisation(name="Ekby kommun")


def admin(client, org):
    client.force_login(f.user(org, Membership.Role.ADMINISTRATOR))


def test_an_administrator_sets_the_wording_and_a_png_logo(client, org):
    admin(client, org)
    assert client.get(url(org)).status_code == 200
    response = post(client, org, png())
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.committee == "Kommunstyrelsen"
    assert org.logo_content_type == "image/png"
    assert bytes(org.logo) == png()
    logo = client.get(f"/{org.code}/logotyp/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert logo_resources(org)["/resource/logo"][1] == "image/png"
    assert letterhead_context(org, pdf=True)["logo_url"] == "/resource/logo"


def test_an_svg_logo_is_accepted_and_served_without_scripts(client, org):
    admin(client, org)
    assert post(client, org, SVG, "logo.svg").status_code == 302
    org.refresh_from_db()
    assert org.logo_content_type == "image/svg+xml"
    response = client.get(f"/{org.code}/logotyp/")
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"x" * (201 * 1024), "för stor"),
        (png(4000, 10), "Sidorna ska vara mellan"),
        (png(8, 8), "Sidorna ska vara mellan"),
        (b"\x89PNG\r\n\x1a\nbroken", "går inte att läsa"),
        (b"GIF89a....", "PNG- eller SVG-fil"),
        (
            SVG.replace(b"<rect", b"<script>alert(1)</script><rect"),
            "får inte innehålla &lt;script&gt;",
        ),
        (SVG.replace(b"<rect", b'<rect onload="alert(1)"'), "skript"),
        (
            SVG.replace(b"<rect", b'<image href="https://example.com/x.png"/><rect'),
            "hänvisa till andra filer",
        ),
        (SVG.replace(b'fill="#00529b"', b'style="fill:url(https://x/y)"'), "hänvisa till andra"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>' + SVG,
            "DOCTYPE eller entiteter",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g>", "går inte att läsa som XML"),
    ],
)
def test_a_bad_logo_is_refused_in_swedish_and_nothing_changes(client, org, data, message):
    admin(client, org)
    response = post(client, org, data, "logo.svg" if b"svg" in data[:200] else "logo.png")
    assert response.status_code == 422
    assert message in response.content.decode()
    org.refresh_from_db()
    assert org.logo is None and org.committee == ""


def test_it_removes_the_logo(client, org):
    admin(client, org)
    post(client, org, png())
    post(client, org, remove_logo="on")
    org.refresh_from_db()
    assert not org.logo and org.logo_content_type == ""
    assert client.get(f"/{org.code}/logotyp/").status_code == 404


def test_a_coordinator_edits_the_settings(client, org):
    """Coordinators administer their own organisation (settings.ORGANISATION_ADMIN_ROLES)."""
    client.force_login(f.user(org, Membership.Role.COORDINATOR))
    assert client.get(url(org)).status_code == 200
    assert post(client, org).status_code == 302
    org.refresh_from_db()
    assert org.committee != ""


def test_with_administrators_only_a_coordinator_gets_403(client, org, settings):
    settings.ORGANISATION_ADMIN_ROLES = ["admin"]
    client.force_login(f.user(org, Membership.Role.COORDINATOR))
    assert client.get(url(org)).status_code == 403


@pytest.mark.parametrize("role", [Membership.Role.READER])
def test_other_roles_get_403(client, org, role):
    client.force_login(f.user(org, role))
    assert client.get(url(org)).status_code == 403
    assert post(client, org).status_code == 403
    org.refresh_from_db()
    assert org.committee == ""


def test_a_reporter_gets_403(client, org):
    client.force_login(f.user(org, Membership.Role.REPORTER, recipient=f.recipient(org)))
    assert client.get(url(org)).status_code == 403


def test_an_outsider_gets_404_for_the_page_and_the_logo(client, org):
    admin(client, org)
    post(client, org, png())
    neighbour = f.organisation(name="Grannkommunen")
    client.force_login(f.user(neighbour, Membership.Role.ADMINISTRATOR))
    assert client.get(url(org)).status_code == 404
    assert post(client, org).status_code == 404
    assert client.get(f"/{org.code}/logotyp/").status_code == 404


def test_a_superuser_may_set_them(client, org):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", password="pw"))
    assert post(client, org).status_code == 302


def test_anonymous_is_sent_to_login(client, org):
    assert client.get(url(org)).status_code == 302
    assert client.get(f"/{org.code}/logotyp/").status_code == 302


def test_a_first_document_without_settings_says_so_instead_of_inventing(client, org):
    from reporting.documents import decision_document_current

    agreement = f.agreement(org, 2023)
    document = decision_document_current(agreement)
    assert document.committee == "" and document.director_title == ""
    client.force_login(f.user(org, Membership.Role.COORDINATOR))
    page = client.get(f"/{org.code}/2023/tjansteutlatande/redigera/").content.decode()
    assert "Organisationens inställningar saknar: nämnd, delegat" in page
    assert 'value="Socialnämnden"' not in page and 'value="Socialdirektör"' not in page
    preview = client.get(f"/{org.code}/2023/tjansteutlatande/").content.decode()
    assert "Till [nämnd saknas]" in preview
    assert "socialdirektören" not in preview
