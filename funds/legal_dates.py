"""Statutory deadlines: the last day of appeal under lag (1930:173) om beräkning av lagstadgad tid.

Laglighetsprövning (13 kap. 5 § kommunallagen): an appeal must have come in within three weeks
from the day the approval of the minutes was announced on the anslagstavla. Under 2 § of lag
(1930:173) a period that ends on a Saturday, Sunday or other public holiday, midsommarafton,
julafton or nyårsafton runs to the next weekday that is none of these. Public holidays come
from the maintained `holidays` package (Swedish calendar), not from a hand-written list.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

APPEAL_WEEKS = 3


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    import holidays  # its calendars load with the first deadline, not at start-up

    # include_sundays=False: Sundays are handled as weekend days below, uniformly.
    calendar = holidays.country_holidays("SE", years=year, include_sundays=False)
    return frozenset(calendar.keys())


def _is_eve(day: datetime.date) -> bool:
    """Midsommarafton (the Friday 19–25 June), julafton and nyårsafton."""
    if day.month == 12 and day.day in (24, 31):
        return True
    return day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4


def is_non_working_day(day: datetime.date) -> bool:
    """True on the days lag (1930:173) 2 § moves a deadline off."""
    return day.weekday() >= 5 or _is_eve(day) or day in _public_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    while is_non_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def appeal_last_day(announced: datetime.date) -> datetime.date:
    """The last day an appeal may come in, for minutes announced on `announced`."""
    return next_working_day(announced + datetime.timedelta(weeks=APPEAL_WEEKS))
