"""The public accessibility statement and personal data notice: what they say, and where."""

import pytest
from django.test import override_settings

from config import statements
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_accessibility_statement_follows_diggs_model(client):
    f.organisation(name="Exempelby kommun", code="2583")
    response = client.get("/tillganglighet/")
    assert response.status_code == 200
    text = response.content.decode()
    for heading in [
        "Hur tillgänglig är webbplatsen?",
        "Rapportera brister i webbplatsens tillgänglighet",
        "Tillsyn",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat webbplatsen",
        "Redogörelsen uppdaterades senast den",
    ]:
        assert heading in text
    assert statements.DIGG_REPORT_URL in text
    # "Delvis förenlig" exactly when a known gap is listed, each with its criterion.
    assert ("delvis förenlig" in text) == bool(statements.KNOWN_GAPS)
    assert ("helt förenlig" in text) == (not statements.KNOWN_GAPS)
    for gap in statements.KNOWN_GAPS:
        assert gap.criterion in text
    assert "Exempelby kommun" in text
    assert "4 december 2026" in text


def test_the_statement_names_the_contact_address_when_one_is_set(client):
    with override_settings(CONTACT_EMAIL="tillganglighet@exempelby.se"):
        text = client.get("/tillganglighet/").content.decode()
    assert 'href="mailto:tillganglighet@exempelby.se"' in text


def test_the_privacy_notice_names_each_organisation_as_controller(client):
    f.organisation(name="Exempelby kommun", code="2583", organisation_number="212000-0142")
    f.organisation(name="Region Exempel", kind="region", code="25")
    with override_settings(PRIVACY_CONTACT_EMAIL="dataskydd@exempelby.se"):
        text = client.get("/personuppgifter/").content.decode()
    assert "Exempelby kommun</strong>, organisationsnummer 212000-0142" in text
    assert "Region Exempel" in text
    assert "artikel 6.1 e" in text
    assert 'href="mailto:dataskydd@exempelby.se"' in text
    assert "Stockholm" not in text


def test_every_page_links_both_from_its_footer(client):
    for url in ["/logga-in/", "/utlysningar/", "/tillganglighet/"]:
        text = client.get(url).content.decode()
        assert 'href="/tillganglighet/"' in text, url
        assert 'href="/personuppgifter/"' in text, url


def test_the_sign_up_form_links_the_privacy_notice_beside_its_button(client):
    text = client.get("/utlysningar/konto/").content.decode()
    form = text[text.index("<form") : text.index("</form>")]
    assert 'href="/personuppgifter/"' in form


def test_the_pages_take_only_get(client):
    assert client.post("/tillganglighet/").status_code == 405
    assert client.post("/personuppgifter/").status_code == 405


def test_a_known_gap_makes_the_site_partly_compliant(client, monkeypatch):
    gap = statements.Gap(where="Ett formulär", what="Något saknas.", criterion="1.1.1 Test")
    monkeypatch.setattr(statements, "KNOWN_GAPS", [gap])
    text = client.get("/tillganglighet/").content.decode()
    assert "delvis förenlig" in text and "helt förenlig" not in text
    assert "Ett formulär.</strong> Något saknas. (WCAG 2.1, kriterium 1.1.1 Test)" in text
