from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from funds.money import (
    MAX_AMOUNT,
    NBSP,
    AmountField,
    format_amount_input,
    format_kr,
    format_mnkr,
    format_percent,
    parse_amount,
    round_mnkr,
)

D = Decimal
SEPARATORS = [" ", "\u00a0", "\u202f", "\u2009"]

amounts = st.decimals(
    min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 500 000", "1500000.00"),
        ("1500000", "1500000.00"),
        ("1 500 000,50", "1500000.50"),
        ("1 500 000,5", "1500000.50"),
        ("1\u00a0500\u00a0000", "1500000.00"),
        ("1\u202f500\u202f000", "1500000.00"),
        ("1\u2009500\u2009000", "1500000.00"),
        ("  1 500 000 kr  ", "1500000.00"),
        ("1 500 000kr", "1500000.00"),
        ("1 500 000 kronor", "1500000.00"),
        ("1 500 000 SEK", "1500000.00"),
        ("1 500 000 Kr", "1500000.00"),
        ("500:-", "500.00"),
        ("45,2 mnkr", "45200000.00"),
        ("32,3 Mkr", "32300000.00"),
        ("32,3 MKR", "32300000.00"),
        ("2 mkr", "2000000.00"),
        ("45,2 miljoner", "45200000.00"),
        ("850 tkr", "850000.00"),
        ("1,234567 mnkr", "1234567.00"),
        ("1,2345678 mnkr", "1234567.80"),
        ("1500000.50", "1500000.50"),
        ("1500000.5", "1500000.50"),
        ("45.2 mnkr", "45200000.00"),
        ("0", "0.00"),
        ("0,01", "0.01"),
        # Price-tag and abbreviated notations (issue 15 §7).
        ("1 500:-", "1500.00"),
        ("100,-", "100.00"),
        ("100,–", "100.00"),
        ("100:–", "100.00"),
        ("100 kr.", "100.00"),
        ("1,5 mkr.", "1500000.00"),
        ("850 tkr.", "850000.00"),
        ("2 milj.", "2000000.00"),
        ("999 999 999 999,99", "999999999999.99"),
        (1500000, "1500000.00"),
        (D("1500000.5"), "1500000.50"),
        (D("1.500"), "1.50"),
        (1500000.5, "1500000.50"),
    ],
)
def test_parse_amount_accepts(text, expected):
    result = parse_amount(text)
    assert result == D(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("1.500.000", "ambiguous"),
        ("1.500", "ambiguous"),
        ("1,500,000", "ambiguous"),
        ("1.500,50", "ambiguous"),
        ("1 50 000", "invalid"),
        ("1500 000", "invalid"),
        ("-5", "negative"),
        ("\u22125", "negative"),
        ("(5)", "negative"),
        ("- 1 500 kr", "negative"),
        ("NaN", "invalid"),
        ("inf", "invalid"),
        ("Infinity", "invalid"),
        ("∞", "invalid"),
        ("abc", "invalid"),
        ("12 äpplen", "invalid"),
        ("kr", "invalid"),
        ("kr.", "invalid"),
        ("100,-,-", "invalid"),
        ("12.", "ambiguous"),
        ("1.500 kr.", "ambiguous"),
        ("1,005", "precision"),
        ("1,500", "precision"),
        ("1,234567891 mnkr", "precision"),
        ("1 000 000 000 000", "too_large"),
        ("1000000 mnkr", "too_large"),
        ("9" * 40, "too_large"),
        (-5, "negative"),
        (10**13, "too_large"),
        (D("NaN"), "invalid"),
        (D("sNaN"), "invalid"),
        (D("Infinity"), "invalid"),
        (D("-1"), "negative"),
        (D("1.005"), "precision"),
        (1.005, "precision"),
        (-1.5, "negative"),
        (float("nan"), "invalid"),
        (1e26, "too_large"),  # a spreadsheet cell; found by test_hostile_workbooks
        (-1e26, "negative"),
        (float("inf"), "invalid"),
        (True, "invalid"),
    ],
)
def test_parse_amount_refuses(value, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_amount(value)
    assert excinfo.value.code == code
    assert excinfo.value.messages[0]


def test_error_messages_are_swedish():
    with pytest.raises(ValidationError, match="Ange ett belopp."):
        parse_amount("")
    with pytest.raises(ValidationError, match="mellanslag"):
        parse_amount("1.500.000")
    with pytest.raises(ValidationError, match=r"orimligt stort \(högst 999 999 999 999,99 kr\)"):
        parse_amount("1 000 000 000 000")


@pytest.mark.parametrize(
    ("amount", "kwargs", "expected"),
    [
        (D("1500000"), {}, "1 500 000 kr"),
        (D("1500000.00"), {}, "1 500 000 kr"),
        (D("1500000.50"), {}, "1 500 000,50 kr"),
        (D("1500000.50"), {"decimals": 0}, "1 500 001 kr"),
        (D("1500000.49"), {"decimals": 0}, "1 500 000 kr"),
        (D("1500000"), {"decimals": 2}, "1 500 000,00 kr"),
        (D("0"), {}, "0 kr"),
        (D("999"), {}, "999 kr"),
        (D("-2500"), {}, "\u22122 500 kr"),
        (1000, {}, "1 000 kr"),
    ],
)
def test_format_kr(amount, kwargs, expected):
    assert format_kr(amount, **kwargs) == expected.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("45234567"), "45,2 mnkr"),
        (D("45150000"), "45,2 mnkr"),
        (D("45149999.99"), "45,1 mnkr"),
        (D("4000000"), "4,0 mnkr"),
        (D("1234567890"), "1 234,6 mnkr"),
        (D("0"), "0,0 mnkr"),
        (D("-1250000"), "\u22121,3 mnkr"),
    ],
)
def test_format_mnkr(amount, expected):
    assert format_mnkr(amount) == expected.replace(" ", NBSP)


def test_round_mnkr():
    assert round_mnkr(D("45234567")) == D("45.2")
    assert round_mnkr(D("45150000")) == D("45.2")


@pytest.mark.parametrize(
    ("part", "whole", "decimals", "expected"),
    [
        (55, 100, 0, "55 %"),
        (D("545"), D("1000"), 0, "55 %"),
        (1, 3, 1, "33,3 %"),
        (2, 3, 0, "67 %"),
        (5, 0, 0, "\u2013"),
    ],
)
def test_format_percent(part, whole, decimals, expected):
    assert format_percent(part, whole, decimals=decimals) == expected.replace(" ", NBSP)


def test_format_amount_input():
    assert format_amount_input(D("1500000")) == "1 500 000"
    assert format_amount_input(D("1500000.50")) == "1 500 000,50"
    assert NBSP not in format_amount_input(D("1500000.50"))


@given(amounts)
def test_formatted_amounts_parse_back(amount):
    assert parse_amount(format_kr(amount, decimals=2)) == amount
    assert parse_amount(format_kr(amount)) == amount
    assert parse_amount(format_amount_input(amount)) == amount


@given(amounts, st.sampled_from(SEPARATORS))
def test_any_thousands_separator_parses(amount, separator):
    assert parse_amount(format_amount_input(amount).replace(" ", separator)) == amount


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_integer_kronor_parse(kronor):
    assert parse_amount(str(kronor)) == kronor
    assert parse_amount(kronor) == kronor


# Capped so that rounding to 0.1 million cannot go past MAX_AMOUNT.
@given(st.decimals(min_value=0, max_value=D("999999949999.99"), places=2))
def test_format_mnkr_parses_back_to_rounded_millions(amount):
    assert parse_amount(format_mnkr(amount)) == round_mnkr(amount) * 1_000_000


@given(st.text())
def test_parse_amount_only_raises_validation_error(text):
    try:
        result = parse_amount(text)
    except ValidationError as error:
        assert error.code
    else:
        assert 0 <= result <= MAX_AMOUNT


def render(template: str, **context) -> str:
    return Template("{% load money %}" + template).render(Context(context))


def test_money_filter():
    assert render("{{ a|money }}", a=D("1500000.50")) == f"1{NBSP}500{NBSP}000,50{NBSP}kr"
    assert render("{{ a|money }}", a=D("1500000.00")) == f"1{NBSP}500{NBSP}000{NBSP}kr"
    assert render('{{ a|money:"kr0" }}', a=D("1500000.50")) == f"1{NBSP}500{NBSP}001{NBSP}kr"
    assert render('{{ a|money:"mnkr" }}', a=D("45234567")) == f"45,2{NBSP}mnkr"
    assert render("{{ a|money }}", a=None) == "\u2013"
    assert render("{{ missing|money }}") == "\u2013"


def test_amount_field_cleans_swedish_input():
    field = AmountField()
    assert field.clean(" 1 500 000,50 kr ") == D("1500000.50")
    assert field.clean("45,2 mnkr") == D("45200000.00")
    assert AmountField(required=False).clean("") is None
    assert field.prepare_value(D("1500000.00")) == "1 500 000"
    assert field.widget.attrs["inputmode"] == "decimal"
    assert field.widget.attrs["autocomplete"] == "off"


def test_amount_field_refuses_dotted_thousands():
    with pytest.raises(ValidationError) as excinfo:
        AmountField().clean("1.500.000")
    assert "mellanslag" in excinfo.value.messages[0]
    with pytest.raises(ValidationError, match="Ange ett belopp."):
        AmountField().clean("")


def test_spreadsheet_float_noise_below_an_ore_is_the_amount_shown():
    assert parse_amount(150000.30000000002) == Decimal("150000.30")
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")
    with pytest.raises(ValidationError):
        parse_amount(1.005)  # a real third decimal is still refused
