"""The lägesrapport (issue 24): the demo's 2023 analysis as PDF/UA, with the same checks as
the tjänsteutlåtande's PDF (tests/reporting/test_decision_pdf.py), and as Word with charts."""

import io
import logging

import pytest
from django.db import transaction
from django.test import Client
from docx import Document

from funds.models import Organisation
from tests import factories as f
from tests.demo_image import demo_restore
from tests.reporting.pdfs import flat, pdf_fonts, pdf_info, pdf_objects, pdf_text
from tests.reporting.test_decision_pdf import Collect

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def files(django_db_setup, django_db_blocker):
    """The demo loaded and the documents fetched once for the module, inside a transaction
    rolled back at the end; WeasyPrint's warnings collected (it logs what it cannot honour)."""
    warnings = Collect()
    logging.getLogger("weasyprint").addHandler(warnings)
    with django_db_blocker.unblock(), transaction.atomic():
        demo_restore()
        client = Client()
        client.force_login(f.user(Organisation.objects.get(code="0180"), "reader"))
        responses = {
            "pdf": client.get("/0180/2023/analys/lagesrapport.pdf"),
            "docx": client.get("/0180/2023/analys/lagesrapport.docx"),
            "county": client.get("/lan/01/2023/analys/lagesrapport.pdf"),
        }
        assert [r.status_code for r in responses.values()] == [200, 200, 200]
        yield {name: r.content for name, r in responses.items()} | {"warnings": warnings}
        transaction.set_rollback(True)
    logging.getLogger("weasyprint").removeHandler(warnings)


def test_weasyprint_honours_every_rule(files):
    assert files["warnings"].messages == []


def test_it_is_a_tagged_pdf_ua_in_swedish(files):
    info = pdf_info(files["pdf"])
    assert "Tagged:          yes" in info
    assert "Title:           Lägesrapport 2023: Stockholms stad" in info
    objects = pdf_objects(files["pdf"])
    assert b"/StructTreeRoot" in objects
    assert b"/Lang (sv)" in objects
    assert b"/DisplayDocTitle true" in objects
    assert b'pdfuaid:part="1"' in objects


def test_the_structure_tree_has_headings_figures_and_table_headers(files):
    tree = pdf_info(files["pdf"], "-struct")
    tags = {line.split()[0].rstrip(":") for line in tree.splitlines() if line.strip()}
    assert {"Document", "H1", "H2", "P", "L", "LI", "Table", "TH", "TD", "Figure"} <= tags
    assert "/Headers" in tree


def test_every_font_is_embedded_with_a_unicode_map(files):
    rows = pdf_fonts(files["pdf"])
    assert any("Liberation" in row for row in rows)
    for row in rows:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row


def test_the_pdf_states_the_findings_and_the_totals_to_the_ore(files):
    text = flat(pdf_text(files["pdf"]))
    assert "är den vanligaste typen av insats" in text
    assert "”Ungdomsmottagning”, ensamt eller tillsammans med andra verksamheter" in text
    assert text.count("97 insatser 43 700 000,00 kr") == 9  # each table's sum row


def test_the_county_pdf_is_built_from_published_years(files):
    text = flat(pdf_text(files["county"]))
    assert "Lägesrapport 2023: Länet med länskod 01" in text
    assert "Omfattar 1 av 1 organisationer som använder tjänsten i länet." in text


def test_the_word_file_has_the_charts_with_alternative_text_and_the_tables(files):
    document = Document(io.BytesIO(files["docx"]))
    assert document.core_properties.title == "Lägesrapport 2023: Stockholms stad"
    assert len(document.inline_shapes) == 9
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert all(d.startswith("Andel av insatserna och andel av medlen") for d in descriptions)
    assert len(document.tables) == 9
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Typ av insats" in headings and "Ansvarig verksamhet" in headings
