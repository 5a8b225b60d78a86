"""`manage.py export_survey`: writes the workbook, or refuses with the problems and status 1."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from funds.models import FollowUp, Intervention
from reporting.management.commands.export_survey import Command
from reporting.survey.workbook import DRAFT_MARK, SUMMARY_SHEET
from tests.demo_image import demo_restore
from tests.reporting.test_survey_export import clean_year  # noqa: F401 - a fixture

INTERVENTIONS_SHEET = "Kommunenkät"

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_survey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _one_report_not_approved():
    demo_restore()
    FollowUp.objects.filter(pk=FollowUp.objects.order_by("pk").first().pk).update(
        status=FollowUp.Status.SUBMITTED
    )


def test_it_refuses_with_the_problems_and_writes_nothing(tmp_path):
    _one_report_not_approved()
    target = tmp_path / "enkat.xlsx"
    err = StringIO()
    with pytest.raises(CommandError, match="Enkätunderlaget skapades inte") as refused:
        call_command(
            "export_survey",
            "--organisation=0180",
            "--year=2023",
            f"--output={target}",
            stdout=StringIO(),
            stderr=err,
        )
    assert refused.value.returncode == 1
    assert "redovisningen är inte godkänd" in err.getvalue()
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_it_exits_non_zero_from_the_command_line(tmp_path, capsys):
    _one_report_not_approved()
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(
            [
                "manage.py",
                "export_survey",
                "--organisation",
                "0180",
                "--year",
                "2023",
                "--output",
                str(tmp_path / "x.xlsx"),
            ]
        )
    assert exit_info.value.code == 1
    assert "Enkätunderlaget skapades inte" in capsys.readouterr().err


def test_a_clean_year_is_written(tmp_path, clean_year):  # noqa: F811
    target = tmp_path / "enkat.xlsx"
    code = clean_year.organisation.code
    out, err = run("--organisation", code, "--year", "2023", "--output", str(target))
    assert "slutlig" in out and "1 insatser" in out and not err
    workbook = load_workbook(target, read_only=True)
    assert "UTKAST" not in workbook[SUMMARY_SHEET]["A1"].value


def test_a_draft_is_written(tmp_path):
    _one_report_not_approved()
    target = tmp_path / "enkat.xlsx"
    out, _ = run("--organisation", "0180", "--year", "2023", "--output", str(target), "--draft")
    # A draft lists every insats, approved or not.
    assert "utkast" in out and f"{Intervention.objects.count()} insatser" in out
    workbook = load_workbook(target, read_only=True)
    assert DRAFT_MARK in workbook[INTERVENTIONS_SHEET]["A1"].value


def test_it_says_what_is_missing(tmp_path):
    with pytest.raises(CommandError, match="ingen överenskommelse"):
        run("--organisation", "0180", "--year", "2023", "--output", str(tmp_path / "x.xlsx"))
    demo_restore()
    with pytest.raises(CommandError, match="finns inte"):
        run("--organisation", "0180", "--year", "2023", "--output", "/nonexistent/dir/x.xlsx")
