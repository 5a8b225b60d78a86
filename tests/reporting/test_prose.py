"""Officials' prose: paragraphs and bullet lists from plain text; amounts are refused."""

import pytest
from django.core.exceptions import ValidationError

from reporting.prose import Block, prose_blocks, validate_no_amounts


def test_blank_lines_separate_paragraphs_and_lines_join():
    text = "Första raden\nfortsätter här.\n\n\nAndra stycket."
    assert prose_blocks(text) == [
        Block("p", "Första raden fortsätter här."),
        Block("p", "Andra stycket."),
    ]


def test_lines_starting_with_a_dash_are_bullets():
    text = (
        "Förslaget är att\n- prioritera pågående insatser\n– samordna\n  med statsbidrag\n"
        "• nå brett\nSlut."
    )
    assert prose_blocks(text) == [
        Block("p", "Förslaget är att"),
        Block("ul", items=("prioritera pågående insatser", "samordna med statsbidrag", "nå brett")),
        Block("p", "Slut."),
    ]


def test_windows_line_endings_and_empty_text():
    assert prose_blocks("Ett\r\n\r\nTvå") == [Block("p", "Ett"), Block("p", "Två")]
    assert prose_blocks("") == []
    assert prose_blocks("  \n\n ") == []


def test_a_hyphenated_word_is_not_a_bullet():
    assert prose_blocks("-2 grader är kallt") == [Block("p", "-2 grader är kallt")]


@pytest.mark.parametrize(
    "text",
    [
        "Staden fick 45,2 mnkr.",
        "(45, 2 mnkr)",
        "totalt 32,3\nmnkr",
        "1 500 000 kr återbetalades",
        "1\u00a0500\u00a0000\u00a0kr",
        "850 tkr",
        "3 miljoner kronor",
        "2 Mkr",
        "500 SEK",
    ],
)
def test_amounts_in_prose_are_refused(text):
    with pytest.raises(ValidationError) as error:
        validate_no_amounts(text)
    assert "Skriv inte belopp i texten" in error.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "en minskning med cirka 30 procent",
        "Under 2023 har 24 andra myndigheter",
        "unga (16–24 år) i Stockholms län",
        "Ett 30-tal grupp- och stödboenden",
        "den 13 mars 2024. Kristina och krisstöd",
        "5 sekunder",
    ],
)
def test_other_numbers_are_allowed(text):
    validate_no_amounts(text)
