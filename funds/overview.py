"""What the year overview shows beside its table: a bar chart per priority area (geometry
only; templates/funds/year_overview.html draws it as SVG) and the follow-up progress."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from funds.balance import AgreementBalance
from funds.followup.rules import NOT_STARTED, STATE_LABELS
from funds.models import Agreement, Allocation, FollowUp

ZERO = Decimal("0")

# The four measures, in the order of the bars and the legend; colours reach 3:1 or more
# against white (WCAG 1.4.11), and every value is also in the table beside the chart.
SERIES = (
    ("granted", "Tilldelat", "#4a5360"),
    ("allocated", "Fördelat", "#00529b"),
    ("spent", "Förbrukat", "#9c4a00"),
    ("repaid_to_state", "Återbetalt till staten", "#1d5e2a"),
)
CHART_WIDTH = 720
LABEL_WIDTH = 36
VALUE_WIDTH = 96  # room for "128,5 mnkr" after the longest bar
BAR_HEIGHT = 10
BAR_GAP = 3
ROW_GAP = 16
TOP = 44
NAME_HEIGHT = 18  # the area's number and name on a line above its bars
NAME_LENGTH = 90  # characters of the name that fit the chart's width at 13 px


@dataclass(frozen=True)
class Bar:
    label: str
    colour: str
    amount: Decimal
    y: int
    width: int

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + self.width + 6

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 1


@dataclass(frozen=True)
class AreaBars:
    label: str
    name: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    x: int


@dataclass(frozen=True)
class OverviewChart:
    width: int
    height: int
    bar_start: int
    legend: list[LegendItem]
    areas: list[AreaBars]


def overview_chart(balance: AgreementBalance) -> OverviewChart:
    """Four bars per priority area on one scale: granted, allocated, spent, repaid."""
    lines = balance.lines
    largest = max(
        [getattr(line, key) for line in lines for key, _, _ in SERIES] or [ZERO], default=ZERO
    )
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    row_height = NAME_HEIGHT + len(SERIES) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP

    def width(amount: Decimal) -> int:
        if largest <= 0 or amount <= 0:
            return 0
        return max(2, int(amount * span / largest))  # a visible sliver for tiny amounts

    legend, x = [], LABEL_WIDTH
    for _, label, colour in SERIES:
        legend.append(LegendItem(label, colour, x))
        x += 22 + 8 * len(label)
    areas = []
    for index, line in enumerate(lines):
        top = TOP + index * row_height
        bars = [
            Bar(
                label=label,
                colour=colour,
                amount=getattr(line, key),
                y=top + NAME_HEIGHT + position * (BAR_HEIGHT + BAR_GAP),
                width=width(getattr(line, key)),
            )
            for position, (key, label, colour) in enumerate(SERIES)
        ]
        name = f"{line.number}. {line.label}"
        if len(name) > NAME_LENGTH:
            name = name[: NAME_LENGTH - 1].rstrip() + "…"
        areas.append(AreaBars(name, line.label, top + 13, bars))
    return OverviewChart(
        width=CHART_WIDTH,
        height=TOP + row_height * len(lines),
        bar_start=LABEL_WIDTH,
        legend=legend,
        areas=areas,
    )


# One colour per follow-up state, for the stacked bar and its legend.
STATE_COLOURS = {
    NOT_STARTED: "#4a5360",
    FollowUp.Status.DRAFT: "#6b4500",
    FollowUp.Status.SUBMITTED: "#00529b",
    FollowUp.Status.RETURNED: "#a1161b",
    FollowUp.Status.APPROVED: "#1d5e2a",
}
PROGRESS_WIDTH = 1000  # the stacked bar's viewBox width


@dataclass(frozen=True)
class Progress:
    key: str
    label: str
    count: int
    colour: str
    x: int  # where its segment of the stacked bar starts, of PROGRESS_WIDTH
    width: int


def follow_up_progress(agreement: Agreement) -> tuple[int, list[Progress]]:
    """How many of the year's reports are not started, drafts, submitted, returned and
    approved: one aggregate query, whatever the number of allocations."""
    counts = Allocation.objects.filter(priority_area__agreement=agreement).aggregate(
        total=Count("pk"),
        **{NOT_STARTED: Count("pk", filter=Q(follow_up__isnull=True))},
        **{key: Count("pk", filter=Q(follow_up__status=key)) for key in FollowUp.Status.values},
    )
    total = counts.pop("total")
    progress, before = [], 0
    for key in STATE_LABELS:
        # Segments from cumulative counts, so the rounded widths always add up to the bar.
        start = before * PROGRESS_WIDTH // total if total else 0
        before += counts[key]
        end = before * PROGRESS_WIDTH // total if total else 0
        progress.append(
            Progress(key, STATE_LABELS[key], counts[key], STATE_COLOURS[key], start, end - start)
        )
    return total, progress
