"""The last day of appeal under lag (1930:173): weekends, public holidays and the three eves."""

import datetime

import pytest

from funds.legal_dates import appeal_last_day, is_non_working_day

D = datetime.date

CASES = [
    # announced, last day, why
    (D(2026, 12, 4), D(2026, 12, 28), "juldagen (fre), annandag jul (lör), sön"),
    (D(2026, 12, 3), D(2026, 12, 28), "julafton (tor), juldagen, annandag, sön"),
    (D(2026, 12, 10), D(2027, 1, 4), "nyårsafton (tor), nyårsdagen (fre), helg"),
    (D(2026, 12, 16), D(2027, 1, 7), "trettondedag jul (ons) flyttas till tor"),
    (D(2026, 12, 15), D(2027, 1, 5), "tisdag 5 januari är vardag"),
    (D(2026, 3, 13), D(2026, 4, 7), "långfredag, påskdagen, annandag påsk"),
    (D(2026, 3, 16), D(2026, 4, 7), "annandag påsk (mån) flyttas till tisdag"),
    (D(2026, 4, 23), D(2026, 5, 15), "Kristi himmelsfärdsdag (tor) flyttas till fre"),
    (D(2026, 5, 29), D(2026, 6, 22), "midsommarafton (fre), midsommardagen (lör), sön"),
    (D(2026, 5, 16), D(2026, 6, 8), "nationaldagen (lör) och söndag"),
    (D(2027, 5, 16), D(2027, 6, 7), "nationaldagen på en söndag: måndag är vardag"),
    (D(2025, 5, 16), D(2025, 6, 9), "nationaldagen (fre), helg"),
    (D(2026, 4, 10), D(2026, 5, 4), "första maj (fre), helg"),
    (D(2026, 2, 2), D(2026, 2, 23), "vanlig måndag: exakt tre veckor"),
    (D(2026, 2, 7), D(2026, 3, 2), "lördag flyttas till måndag"),
]


@pytest.mark.parametrize(("announced", "last_day", "why"), CASES)
def test_appeal_last_day(announced, last_day, why):
    assert appeal_last_day(announced) == last_day, why
    assert not is_non_working_day(last_day)


def test_eves_are_not_working_days_but_ordinary_fridays_are():
    assert is_non_working_day(D(2026, 6, 19))  # midsommarafton
    assert is_non_working_day(D(2026, 12, 24)) and is_non_working_day(D(2026, 12, 31))
    assert not is_non_working_day(D(2026, 6, 12))  # a Friday in June
    assert not is_non_working_day(D(2026, 12, 23))
