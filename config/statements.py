"""What the public statements say: the accessibility statement's test results and known gaps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

# DIGG's form for reporting a public web service that is not accessible (DOS-lagen 2018:1937).
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"

# When the service's accessibility was last assessed and the statement last reviewed. Change
# both after the next assessment; the page prints them as they stand.
ASSESSED_ON = datetime.date(2026, 12, 4)
REVIEWED_ON = datetime.date(2026, 12, 4)


@dataclass(frozen=True)
class TestResult:
    """One of the project's own accessibility tests and what it found."""

    method: str
    scope: str
    result: str
    test: str


@dataclass(frozen=True)
class Gap:
    """Something known not to meet WCAG 2.1 AA, with the criterion it fails."""

    where: str
    what: str
    criterion: str


TEST_RESULTS = [
    TestResult(
        method="Automatisk granskning med axe-core (WCAG 2.1 nivå A och AA)",
        scope="Varje sida som en samordnare, rapportör, läsare, sökande och besökare når, "
        "i de lägen som ändrar sidan (fel, varningar, beslutat och avslutat år), "
        "i bredderna 1280 och 320 pixlar",
        result="Inga fel",
        test="tests/browser/test_accessibility.py, test_calls.py, test_plans_axe.py",
    ),
    TestResult(
        method="Omflödning (WCAG 1.4.10) i 320 pixlars bredd",
        scope="Samma sidor",
        result="Ingen sida är bredare än skärmen; breda tabeller rullar i en egen ruta",
        test="tests/browser/test_accessibility.py",
    ),
    TestResult(
        method="Ord som bryts mitt i",
        scope="Samma sidor i bredderna 1366 och 320 pixlar",
        result="Ord bryts bara mellan ord eller med avstavning",
        test="tests/browser/test_accessibility.py::test_pages_have_no_wcag_violations",
    ),
    TestResult(
        method="Tangentbord utan mus",
        scope="Fördelningstabellen (hoppa till tabellen, flytta, skriva, klistra in, ångra, "
        "öppna ett beloppets historik och kommentar med Skift+F3 och Skift+F2), en "
        "ansökan från start till inskickad och en redovisning med en insats från start "
        "till inskickad",
        result="Fungerar med tangentbordet",
        test="tests/browser/test_matrix_keyboard.py, test_calls.py, test_focus.py",
    ),
    TestResult(
        method="PDF-handlingar (tjänsteutlåtandet och lägesrapporten)",
        scope="Taggad PDF enligt PDF/UA-1: svenska som språk, rubriker, tabeller med "
        "rubrikceller och fotnoter som noter",
        result="Uppfyller det som testerna kontrollerar. Word- och Excel-filer som kan "
        "laddas ner ingår inte i testerna",
        test="tests/reporting/test_decision_pdf.py, tests/analysis/test_lagesrapport.py",
    ),
]

# The follow-up form's long insatser (2.4.1) are gone: the report lists each saved insats as
# one row with one link, and an insats's questions are on its own page (issue 22).
KNOWN_GAPS: list[Gap] = []


def controllers() -> list:
    """The organisations that use the service: each is controller for its own data."""
    from funds.models import Organisation

    return list(Organisation.objects.order_by("name"))


def accessibility_context() -> dict:
    return {
        "organisations": controllers(),
        "contact_email": settings.CONTACT_EMAIL,
        "digg_report_url": DIGG_REPORT_URL,
        "assessed_on": ASSESSED_ON,
        "reviewed_on": REVIEWED_ON,
        "test_results": TEST_RESULTS,
        "known_gaps": KNOWN_GAPS,
    }


def privacy_context() -> dict:
    return {
        "organisations": controllers(),
        "contact_email": settings.CONTACT_EMAIL,
        "privacy_email": settings.PRIVACY_CONTACT_EMAIL or settings.CONTACT_EMAIL,
        "lockout_minutes": settings.SIGNIN_LOCKOUT_MINUTES,
        "session_minutes": settings.SESSION_IDLE_MINUTES,
    }
