"""The enkät workbook by national area and follow-up route, read back from the file: every
insats row says where its money belongs nationally, the summaries equal the balance, each
route has its own sheet, and an unanswered group is not a "Nej"."""

from __future__ import annotations

import subprocess
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from funds.balance import agreement_balance
from funds.models import (
    Agreement,
    FollowUp,
    Intervention,
    NationalArea,
    PriorityArea,
    SurveyCategory,
)
from funds.money import parse_amount
from reporting.survey.workbook import (
    ABOUT_SHEET,
    HEADER_ROW,
    NATIONAL_SHEET,
    SUMMARY_SHEET,
    survey_export,
)
from reporting.survey.writers import WRITERS
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db

AMOUNTS = {
    "Tilldelat (kr)": "granted",
    "Fördelat (kr)": "allocated",
    "Ofördelat (kr)": "unallocated",
    "Förbrukat (kr)": "spent",
    "Oförbrukat (kr)": "unspent",
    "Återbetalt av mottagare (kr)": "repaid_by_recipients",
    "Återbetalt till staten (kr)": "repaid_to_state",
}
ROUTE_SHEETS = ("Kommunenkät", "Länsgemensam enkät", "Länsdialog")


def export(agreement: Agreement, **kwargs) -> tuple[object, bytes]:
    buffer = BytesIO()
    result = survey_export(agreement=agreement, output=buffer, exported_by="Test", **kwargs)
    return result, buffer.getvalue()


def table(sheet) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def demo(year: int) -> Agreement:
    demo_restore()
    return Agreement.objects.get(organisation__code="0180", year=year)


def test_every_insats_row_has_its_national_area_and_route():
    agreement = demo(2023)
    _, content = export(agreement, draft=True)  # the demo leaves groups unanswered
    workbook = load_workbook(BytesIO(content))
    rows = table(workbook["Kommunenkät"])
    assert len(rows) == 97
    national = {
        area.pk: area.national_area
        for area in PriorityArea.objects.filter(agreement=agreement).select_related("national_area")
    }
    names = {a.number: a.name for a in national.values()}
    for row in rows:
        assert row["Uppföljning"] == "Kommunenkät"
        assert row["Nationellt område nr"] in names
        assert row["Nationellt område"] == names[row["Nationellt område nr"]]
    summary = table(workbook[SUMMARY_SHEET])[:-1]
    assert all(row["Uppföljning"] == "Kommunenkät" for row in summary)
    assert [row["Nationellt område nr"] for row in summary] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("year", [2023, 2024])
def test_both_summaries_equal_the_balance_to_the_ore(year):
    agreement = demo(year)
    _, content = export(agreement, draft=True)
    workbook = load_workbook(BytesIO(content))
    balance = agreement_balance(agreement)
    for name in (SUMMARY_SHEET, NATIONAL_SHEET):
        rows = table(workbook[name])
        lines, total = rows[:-1], rows[-1]
        assert next(iter(total.values())) == "Totalt"
        for header, attribute in AMOUNTS.items():
            summed = sum((parse_amount(row[header]) for row in lines), Decimal("0.00"))
            expected = getattr(balance.total, attribute)
            assert summed == parse_amount(total[header]) == expected, (name, header)
    national = table(workbook[NATIONAL_SHEET])[:-1]
    if year == 2024:
        # Four local areas on four national areas, three routes.
        routes = {row["Nationellt område nr"]: row["Uppföljning"] for row in national}
        assert routes == {
            3: "Kommunenkät",
            1: "Länsgemensam enkät",
            2: "Länsgemensam enkät",
            5: "Länsdialog",
        }
        suicide = next(row for row in national if row["Nationellt område nr"] == 5)
        assert suicide["Prioriterade områden (egna)"] == "2. Suicidprevention"
        assert parse_amount(suicide["Tilldelat (kr)"]) == Decimal("8196210.00")


def test_demo_2024_suicidprevention_is_under_lansdialog_not_the_kommun_enkat():
    agreement = demo(2024)
    area = PriorityArea.objects.get(agreement=agreement, name="Suicidprevention")
    assert area.national_area.number == 5
    # A reported insats in the area, to see where its row goes.
    allocation = f.allocation(area, f.recipient(agreement.organisation), "1000.00")
    follow_up = f.follow_up(allocation, "1000.00")
    Intervention.objects.create(
        follow_up=follow_up, name="Utbildning i suicidprevention", amount_spent=Decimal("1000")
    )
    result, content = export(agreement, draft=True)
    workbook = load_workbook(BytesIO(content))
    assert workbook.sheetnames == [SUMMARY_SHEET, NATIONAL_SHEET, *ROUTE_SHEETS, ABOUT_SHEET]
    dialogue = workbook["Länsdialog"]
    assert "2. Suicidprevention" in dialogue["A1"].value
    assert [row["Insats"] for row in table(dialogue)] == ["Utbildning i suicidprevention"]
    assert table(dialogue)[0]["Uppföljning"] == "Länsdialog"
    kommun = workbook["Kommunenkät"]
    assert "Suicidprevention" not in kommun["A1"].value
    for row in kommun.iter_rows(values_only=True):
        assert not any("Suicidprevention" in str(value) for value in row if value), row
    assert result.rows_by_route == {
        "kommun_enkat": 0,
        "lansgemensam_enkat": 0,
        "lansdialog": 1,
    }


@pytest.fixture
def answered_year(db):
    org = f.organisation(name="Svarskommunen")
    agreement = f.agreement(org, 2024, status=Agreement.Status.FOLLOW_UP)
    area = f.area(
        agreement,
        "300.00",
        national_area=NationalArea.objects.get(national_agreement__year=2024, number=3),
    )
    follow_up = f.follow_up(
        f.allocation(area, f.recipient(org), "300.00"), "300.00", status=FollowUp.Status.APPROVED
    )
    categories = {(c.group, c.label): c for c in SurveyCategory.objects.filter(year=2024)}
    required = [
        categories["activity_type", "Kompetensutveckling"],
        categories["goal", "Mindre risker"],
        categories["target_group", "Personal och verksamheter"],
    ]
    chosen = Intervention.objects.create(
        follow_up=follow_up, name="Valt", amount_spent=Decimal("100"), answered_groups=[]
    )
    chosen.categories.set([*required, categories["perspective", "Barnrätt"]])
    no = Intervention.objects.create(
        follow_up=follow_up,
        name="Nej",
        amount_spent=Decimal("100"),
        answered_groups=["perspective"],
    )
    no.categories.set(required)
    unanswered = Intervention.objects.create(
        follow_up=follow_up, name="Obesvarat", amount_spent=Decimal("100")
    )
    unanswered.categories.set(required)
    return agreement


@pytest.mark.parametrize("writer", WRITERS)
def test_ej_besvarat_is_distinct_from_nej(answered_year, writer):
    result, content = export(answered_year, writer=writer, draft=True)
    # Every insats leaves some asked group unanswered; only "Obesvarat" leaves Perspektiv.
    by_insats = {p.message.split("”")[1]: p.message for p in result.check.problems}
    assert set(by_insats) == {"Valt", "Nej", "Obesvarat"}
    assert "perspektiv" in by_insats["Obesvarat"]
    assert "perspektiv" not in by_insats["Nej"] + by_insats["Valt"]
    assert {item.label: item.count for item in result.check.unanswered}["Perspektiv"] == 1
    rows = {row["Insats"]: row for row in table(load_workbook(BytesIO(content))["Kommunenkät"])}
    perspective = [header for header in rows["Valt"] if header.startswith("Perspektiv: ")]
    # One column per option of the year's perspective question (categories.toml).
    assert (
        len(perspective)
        == SurveyCategory.objects.filter(year=answered_year.year, group="perspective").count()
    )
    assert rows["Valt"]["Perspektiv: Barnrätt"] == "Ja"
    assert rows["Valt"]["Perspektiv: Äldre"] == "Nej"
    assert {rows["Nej"][header] for header in perspective} == {"Nej"}
    assert {rows["Obesvarat"][header] for header in perspective} == {"Ej besvarat"}
    # A required group answered is Ja/Nej for everyone.
    assert rows["Obesvarat"]["Mål: Mindre risker"] == "Ja"
    assert rows["Obesvarat"]["Mål: Ökad tillgänglighet"] == "Nej"


def _values(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(content))
    values = {}
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            # openpyxl reads a money cell as int or float, whichever writer wrote it.
            rows.append(tuple(parse_amount(v) if isinstance(v, float) else v for v in row))
        values[sheet.title] = rows
    return values


def test_both_writers_write_the_same_workbook():
    agreement = demo(2023)
    now = timezone.now()
    _, by_xlsxwriter = export(agreement, writer="xlsxwriter", now=now, draft=True)
    _, by_openpyxl = export(agreement, writer="openpyxl", now=now, draft=True)
    assert _values(by_xlsxwriter) == _values(by_openpyxl)
    for content in (by_xlsxwriter, by_openpyxl):
        workbook = load_workbook(BytesIO(content))
        for sheet in workbook.worksheets:
            assert sheet.page_setup.orientation == "landscape"
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
            assert int(sheet.page_setup.fitToHeight) == 0
            assert sheet.print_title_rows == "$2:$2"
            assert sheet.print_title_cols == "$A:$A"
            assert sheet.oddHeader.left.text == "Stockholms stad"
            assert "2023" in sheet.oddHeader.center.text
            assert sheet.oddFooter.center.text == "Sida &P av &N"
            assert sheet.row_dimensions[HEADER_ROW].height >= 12.75
        with zipfile.ZipFile(BytesIO(content)) as archive:
            styles = archive.read("xl/styles.xml").decode()
        fonts = styles.split("<fonts", 1)[1].split("</fonts>", 1)[0]
        # Every font names itself: nothing falls back to a serif font in print.
        assert fonts.count("<font>") + fonts.count("<font ") == fonts.count('<name val="Arial"/>')


def _pdf(content: bytes, directory: Path, name: str) -> Path:
    source = directory / f"{name}.xlsx"
    source.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{directory}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(directory),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return directory / f"{name}.pdf"


def test_the_demo_2023_workbook_prints_on_a_sensible_number_of_pages(tmp_path):
    agreement = demo(2023)
    now = timezone.now()
    _, by_xlsxwriter = export(agreement, writer="xlsxwriter", now=now, draft=True)
    _, by_openpyxl = export(agreement, writer="openpyxl", now=now, draft=True)
    pdfs = [_pdf(by_xlsxwriter, tmp_path, "xlsxwriter"), _pdf(by_openpyxl, tmp_path, "openpyxl")]
    info = subprocess.run(["pdfinfo", str(pdfs[0])], capture_output=True, text=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    # Was 52 portrait pages; four sheets, the insatser four pages wide.
    assert 4 <= pages <= 20, pages
    fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True).stdout
    assert "LiberationSans" in fonts and "Serif" not in fonts
    texts = [
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
        ).stdout
        for pdf in pdfs
    ]
    # LibreOffice reads and prints both writers' files the same (a space of layout aside).
    lines = [
        [" ".join(line.split()) for line in text.splitlines() if line.strip()] for text in texts
    ]
    assert lines[0] == lines[1]
    assert "Sida 1 av" in texts[0] and "Kommunenkät" in texts[0]


def test_own_priorities_and_unmapped_areas_are_shown_as_such():
    org = f.organisation(name="Egna kommunen")
    agreement = f.agreement(org, 2024, status=Agreement.Status.CLOSED)
    own = f.area(agreement, "100.00", name="Lokalt projekt", own_priority_reason="Eget beslut")
    f.area(agreement, "50.00", name="Okopplat", own_priority_reason="")
    follow_up = f.follow_up(f.allocation(own, f.recipient(org), "100.00"), "100.00")
    Intervention.objects.create(follow_up=follow_up, name="Egen insats", amount_spent=100)
    result, content = export(agreement, draft=True)
    workbook = load_workbook(BytesIO(content))
    assert workbook.sheetnames == [
        SUMMARY_SHEET,
        NATIONAL_SHEET,
        "Kommunenkät",
        "Egen prioritering",
        "Utan nationellt område",
        ABOUT_SHEET,
    ]
    national = {row["Uppföljning"]: row for row in table(workbook[NATIONAL_SHEET])[:-1]}
    assert national["Egen prioritering"]["Nationellt område nr"] is None
    assert national["Egen prioritering"]["Prioriterade områden (egna)"] == "1. Lokalt projekt"
    assert national["Utan nationellt område"]["Prioriterade områden (egna)"] == ("2. Okopplat")
    (row,) = table(workbook["Egen prioritering"])
    assert row["Insats"] == "Egen insats" and row["Uppföljning"] == "Egen prioritering"
    assert table(workbook["Kommunenkät"]) == []
