"""Every figure of the tjänsteutlåtande, read from the database when the document is rendered.

Amounts stay exact Decimals (kronor with öre) until the template formats them through
funds.money. Totals are summed from exact kronor and rounded once; each priority area is
rounded on its own. The rounded areas may therefore not add up to the rounded total
(seed 004: 18,5 + 9,4 + 4,0 + 8,4 + 5,0 = 45,3 against 45,2 mnkr); `rounding_differs`
tells the template to say so in a note instead of adjusting any figure.

A constant number of queries whatever the size: this year's balance (one), the areas'
descriptions (one), next year's agreement and balance (two), the split per recipient kind
(one) and the associations (one); the chosen examples are loaded by the caller (one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from funds.balance import AgreementBalance, BalanceLine, agreement_balance
from funds.models import ZERO, Agreement, Allocation, Intervention, PriorityArea, Recipient
from funds.money import format_percent, round_mnkr

# The order and wording of the split. "Övriga" mottagare are neither districts,
# departments nor associations: they are counted in the whole (so the shares describe all
# allocated money) and named on their own line only when they received any.
KIND_LABELS = {
    Recipient.Kind.DISTRICT: ("stadsdelsförvaltning", "stadsdelsförvaltningar"),
    Recipient.Kind.DEPARTMENT: ("fackförvaltning", "fackförvaltningar"),
    Recipient.Kind.ASSOCIATION: ("förening inom civilsamhället", "föreningar inom civilsamhället"),
    Recipient.Kind.OTHER: ("övrig mottagare", "övriga mottagare"),
}
KIND_TARGETS = {
    Recipient.Kind.DISTRICT: "stadsdelsförvaltningarna",
    Recipient.Kind.DEPARTMENT: "fackförvaltningarna",
    Recipient.Kind.ASSOCIATION: "civilsamhället",
    Recipient.Kind.OTHER: "övriga mottagare",
}
KIND_HEADINGS = {
    Recipient.Kind.DISTRICT: "Stadsdelsförvaltningar",
    Recipient.Kind.DEPARTMENT: "Fackförvaltningar",
    Recipient.Kind.ASSOCIATION: "Civilsamhället (föreningar)",
    Recipient.Kind.OTHER: "Övriga mottagare",
}

_NUMBER_WORDS = (
    "noll",
    "ett",
    "två",
    "tre",
    "fyra",
    "fem",
    "sex",
    "sju",
    "åtta",
    "nio",
    "tio",
    "elva",
    "tolv",
)


def number_word(count: int) -> str:
    """Swedish prose writes small counts in words ("fyra områden"), larger ones in digits."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def counted(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


@dataclass(frozen=True)
class KindShare:
    kind: str
    heading: str
    phrase: str  # "13 stadsdelsförvaltningar"
    target: str  # "stadsdelsförvaltningarna"
    amount: Decimal
    recipients: int
    percent: str  # "55 %"


@dataclass(frozen=True)
class AssociationLine:
    name: str
    organisation_number: str
    amount: Decimal


@dataclass(frozen=True)
class AreaFigure:
    line: BalanceLine
    description: str = ""
    # For next year's areas: the same area's amount this year (matched by name), if any.
    previous: Decimal | None = None


@dataclass(frozen=True)
class ExampleGroup:
    number: int
    name: str
    interventions: list[Intervention]


@dataclass(frozen=True)
class DecisionFigures:
    agreement: Agreement
    balance: AgreementBalance
    next_agreement: Agreement | None
    next_balance: AgreementBalance | None
    shares: list[KindShare]
    associations: list[AssociationLine]
    examples: list[ExampleGroup]
    areas: list[AreaFigure] = field(default_factory=list)
    next_areas: list[AreaFigure] = field(default_factory=list)
    dropped_areas: list[str] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.agreement.year

    @property
    def next_year(self) -> int:
        return self.agreement.year + 1

    @property
    def total(self) -> BalanceLine:
        return self.balance.total

    @property
    def area_count_words(self) -> str:
        return number_word(len(self.areas))

    @property
    def rounding_differs(self) -> bool:
        return _rounding_differs(self.balance)

    @property
    def allocated(self) -> Decimal:
        return sum((share.amount for share in self.shares), ZERO)

    @property
    def association_total(self) -> Decimal:
        return sum((line.amount for line in self.associations), ZERO)

    @property
    def next_total(self) -> BalanceLine | None:
        return self.next_balance.total if self.next_balance else None

    @property
    def next_area_count_words(self) -> str:
        return number_word(len(self.next_areas))

    @property
    def next_rounding_differs(self) -> bool:
        return self.next_balance is not None and _rounding_differs(self.next_balance)

    @property
    def change(self) -> Decimal | None:
        """Next year's granted total against this year's, in exact kronor."""
        if self.next_total is None:
            return None
        return self.next_total.granted - self.total.granted

    @property
    def change_percent(self) -> str:
        """The size of the change, without sign ("28,5 %"); the prose says which way."""
        if self.change is None:
            return ""
        return format_percent(abs(self.change), self.total.granted, decimals=1)

    @property
    def recipients_phrase(self) -> str:
        """ "13 stadsdelsförvaltningar, 7 fackförvaltningar och 18 föreningar inom ..." """
        return join_sv([share.phrase for share in self.shares])

    @property
    def shares_phrase(self) -> str:
        """ "55 % av medlen har fördelats till stadsdelsförvaltningarna, 35 % till ..." """
        if not self.shares:
            return ""
        first, *rest = self.shares
        parts = [f"{first.percent} av medlen har fördelats till {first.target}"]
        parts += [f"{share.percent} till {share.target}" for share in rest]
        return join_sv(parts)

    @property
    def dropped_phrase(self) -> str:
        return join_sv(self.dropped_areas)


def join_sv(items: list[str]) -> str:
    """ "a, b och c" """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


# Å, Ä and Ö come after Z in Swedish; the database's collation may not know that.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"})


def swedish_sort_key(name: str) -> str:
    return name.casefold().translate(_SWEDISH_ORDER)


def _rounding_differs(balance: AgreementBalance) -> bool:
    parts = sum((round_mnkr(line.granted) for line in balance.lines), Decimal(0))
    return parts != round_mnkr(balance.total.granted)


def _shares(agreement: Agreement) -> list[KindShare]:
    rows = {
        row["recipient__kind"]: row
        for row in Allocation.objects.filter(priority_area__agreement=agreement, amount__gt=0)
        .values("recipient__kind")
        .annotate(total=Sum("amount"), recipients=Count("recipient", distinct=True))
        .order_by()
    }
    whole = sum((row["total"] for row in rows.values()), ZERO)
    shares = []
    for kind, (singular, plural) in KIND_LABELS.items():
        row = rows.get(kind)
        if row is None:
            continue
        shares.append(
            KindShare(
                kind=kind,
                heading=KIND_HEADINGS[kind],
                phrase=counted(row["recipients"], singular, plural),
                target=KIND_TARGETS[kind],
                amount=row["total"],
                recipients=row["recipients"],
                percent=format_percent(row["total"], whole),
            )
        )
    return shares


def _associations(agreement: Agreement) -> list[AssociationLine]:
    rows = (
        Allocation.objects.filter(
            priority_area__agreement=agreement,
            recipient__kind=Recipient.Kind.ASSOCIATION,
            amount__gt=0,
        )
        .values("recipient__name", "recipient__organisation_number")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    lines = [
        AssociationLine(row["recipient__name"], row["recipient__organisation_number"], row["total"])
        for row in rows
    ]
    return sorted(lines, key=lambda line: swedish_sort_key(line.name))


def _examples(agreement: Agreement, interventions: list[Intervention]) -> list[ExampleGroup]:
    groups: dict[int, ExampleGroup] = {}
    for intervention in interventions:
        area = intervention.follow_up.allocation.priority_area
        if area.agreement_id != agreement.pk:
            continue  # a pick that no longer belongs to this year is not shown
        group = groups.setdefault(area.pk, ExampleGroup(area.number, area.name, []))
        group.interventions.append(intervention)
    return sorted(groups.values(), key=lambda group: group.number)


def example_interventions(document) -> list[Intervention]:
    """The document's chosen examples with what the template needs, in one query."""
    if document.pk is None:
        return []
    return list(
        document.example_interventions.select_related(
            "follow_up__allocation__priority_area", "follow_up__allocation__recipient"
        ).order_by("follow_up__allocation__priority_area__number", "pk")
    )


def decision_figures(
    agreement: Agreement, interventions: list[Intervention] | None = None
) -> DecisionFigures:
    """The figures for the document that reports `agreement.year` and delegates the next."""
    balance = agreement_balance(agreement)
    descriptions = dict(
        PriorityArea.objects.filter(
            agreement__organisation_id=agreement.organisation_id,
            agreement__year__in=(agreement.year, agreement.year + 1),
        ).values_list("pk", "description")
    )
    areas = [AreaFigure(line, descriptions.get(line.area_id, "")) for line in balance.lines]
    next_agreement = Agreement.objects.filter(
        organisation_id=agreement.organisation_id, year=agreement.year + 1
    ).first()
    next_balance = None
    next_areas: list[AreaFigure] = []
    dropped: list[str] = []
    if next_agreement is not None:
        next_balance = agreement_balance(next_agreement)
        next_lines = next_balance.lines
        this_year = {line.label.casefold(): line.granted for line in balance.lines}
        next_areas = [
            AreaFigure(
                line, descriptions.get(line.area_id, ""), this_year.get(line.label.casefold())
            )
            for line in next_lines
        ]
        next_names = {line.label.casefold() for line in next_lines}
        dropped = [line.label for line in balance.lines if line.label.casefold() not in next_names]
    return DecisionFigures(
        agreement=agreement,
        balance=balance,
        next_agreement=next_agreement,
        next_balance=next_balance,
        shares=_shares(agreement),
        associations=_associations(agreement),
        examples=_examples(agreement, interventions or []),
        areas=areas,
        next_areas=next_areas,
        dropped_areas=dropped,
    )
