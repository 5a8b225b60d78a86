"""Every figure of the tjänsteutlåtande, read from the database when the document is rendered.

Amounts stay exact Decimals (kronor with öre) until the template formats them through
funds.money. Totals are summed from exact kronor and rounded once; each priority area is
rounded on its own. The rounded areas may therefore not add up to the rounded total
(seed 004: 18,5 + 9,4 + 4,0 + 8,4 + 5,0 = 45,3 against 45,2 mnkr); `rounding_differs`
tells the template to say so in a note instead of adjusting any figure.

A constant number of queries whatever the size: this year's balance (one), the areas'
descriptions (one), next year's agreement and balance (two), the money per recipient with
its kind, förvaltning and IOP (one) and the merges (one); the chosen examples are loaded by
the caller (one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum

from funds.balance import AgreementBalance, BalanceLine, agreement_balance
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    Intervention,
    NationalArea,
    NationalAreaFunding,
    Organisation,
    Partnership,
    PriorityArea,
    Recipient,
)
from funds.money import format_mnkr_or_kr, format_percent, round_mnkr
from funds.year.lineage import area_predecessors

# Whose areas the areas sentence counts, and how it names them.
HUVUDMAN_OF = {
    Organisation.Kind.MUNICIPALITY: NationalAreaFunding.Huvudman.MUNICIPALITIES,
    Organisation.Kind.REGION: NationalAreaFunding.Huvudman.REGIONS,
    Organisation.Kind.COUNTY_PARTNERSHIP: NationalAreaFunding.Huvudman.COUNTY,
}
HUVUDMAN_PLURAL = {
    Organisation.Kind.MUNICIPALITY: "kommunerna",
    Organisation.Kind.REGION: "regionerna",
    Organisation.Kind.COUNTY_PARTNERSHIP: "kommuner och regioner gemensamt",
}

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


def number_word(count: int, *, common: bool = False) -> str:
    """Swedish prose writes small counts in words ("fyra områden"), larger ones in digits;
    `common` for a word of common gender ("en förvaltning", not "ett")."""
    if common and count == 1:
        return "en"
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def counted(count: int, singular: str, plural: str) -> str:
    """ "fyra fackförvaltningar", "en förening", "13 stadsdelsförvaltningar" """
    return f"{number_word(count, common=True)} {singular if count == 1 else plural}"


def genitive(name: str) -> str:
    """ "socialförvaltningens"; a name ending in s, x or z takes no extra s."""
    return name if name[-1:].lower() in "sxz" else f"{name}s"


@dataclass(frozen=True)
class KindShare:
    kind: str
    heading: str
    # "13 stadsdelsförvaltningar": what the sentence on recipients names of this kind, counted
    # as the document counts (a unit as its förvaltning; föreningar in an IOP apart); empty
    # when nothing of this kind is left to name that way.
    phrase: str
    target: str  # "stadsdelsförvaltningarna"
    amount: Decimal
    recipients: int  # every recipient with money, as the table counts them
    percent: str  # "55 %"
    # What the table counts that the sentence does not (a unit within a förvaltning, an IOP
    # partner): "enheter inom en förvaltning", "partnerna i … (IOP)"; empty when the two
    # counts are the same.
    counted_apart: str = ""
    # Money of areas the state earmarked for the youth clinics (NationalArea.youth_clinics)
    # within this share: seed 004's "stadsdelsförvaltningarna (inklusive
    # ungdomsmottagningarna)" is said only when the districts got some.
    youth_clinics: Decimal = ZERO

    @property
    def target_phrase(self) -> str:
        if self.kind == Recipient.Kind.DISTRICT and self.youth_clinics > 0:
            return f"{self.target} (inklusive ungdomsmottagningarna)"
        return self.target


@dataclass(frozen=True)
class AssociationLine:
    name: str
    organisation_number: str
    amount: Decimal
    partnership: bool = False  # in an idéburet offentligt partnerskap (IOP) that year


@dataclass(frozen=True)
class AreaFigure:
    line: BalanceLine
    description: str = ""
    # For next year's areas: the amount of the area it continues this year, through an
    # explicit link (PriorityArea.previous_area), if any.
    previous: Decimal | None = None
    previous_label: str = ""
    national_label: str = ""


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
    national_count: int = 0  # areas of the state's agreement that concern this huvudman
    national_mapped: int = 0  # national areas this organisation's areas belong to
    # "socialförvaltningens egna enheter": the distributing förvaltning's own units that got
    # money, named apart from the förvaltningar it distributed to; empty when none did.
    own_units_phrase: str = ""

    @property
    def counting_note(self) -> str:
        """Why the table's "Antal mottagare" differs from the sentence's counts, when it does:
        the table counts every recipient, the sentence counts förvaltningar and names the
        distributing förvaltning's own units and the IOP partners apart."""
        parts = list(
            dict.fromkeys(share.counted_apart for share in self.shares if share.counted_apart)
        )
        if not parts:
            return ""
        return f"Antal mottagare räknar varje mottagare för sig, också {' och '.join(parts)}."

    @property
    def followed_up(self) -> bool:
        """Whether follow-up has produced repayment figures that the document may state."""
        return self.agreement.status in (
            Agreement.Status.FOLLOW_UP,
            Agreement.Status.CLOSED,
        ) and bool(self.total.repaid_by_recipients or self.total.repaid_to_state)

    @property
    def year_is_over(self) -> bool:
        return self.agreement.status in (Agreement.Status.FOLLOW_UP, Agreement.Status.CLOSED)

    @property
    def national_count_words(self) -> str:
        return number_word(self.national_count)

    @property
    def national_mapped_words(self) -> str:
        return number_word(self.national_mapped)

    @property
    def new_areas(self) -> list[str]:
        return [area.line.label for area in self.next_areas if area.previous is None]

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
        return in_prose(format_percent(abs(self.change), self.total.granted, decimals=1))

    @property
    def areas_sentence(self) -> str:
        """The one sentence on the national areas, in seed 004's words: "Stimulansmedel
        tilldelades kommuner och regioner utifrån befolkningsunderlag inom ett antal
        prioriterade områden, varav fem berör kommunerna." Only what the data knows: the
        areas that fund this kind of organisation, and how many the money belongs to when
        that is another number."""
        if not self.national_count:
            return ""
        verb = "tilldelades" if self.year_is_over else "tilldelas"
        who = HUVUDMAN_PLURAL.get(self.agreement.organisation.kind, "kommunerna")
        sentence = (
            f"Stimulansmedel {verb} kommuner och regioner utifrån befolkningsunderlag inom ett "
            f"antal prioriterade områden, varav {self.national_count_words} berör {who}."
        )
        if self.national_mapped and self.national_mapped != self.national_count:
            sentence += (
                f" Medlen till {self.agreement.organisation.name} hör till "
                f"{self.national_mapped_words} av överenskommelsens områden."
            )
        return sentence

    @property
    def recipient_phrases(self) -> list[tuple[str, str]]:
        """(phrase, kind) in the order the sentence on recipients names them."""
        phrases = []
        for share in self.shares:
            if share.phrase:
                phrases.append((share.phrase, share.kind))
            if share.kind == Recipient.Kind.DEPARTMENT and self.own_units_phrase:
                phrases.append((self.own_units_phrase, "own"))
        if self.own_units_phrase and not any(kind == "own" for _, kind in phrases):
            phrases.append((self.own_units_phrase, "own"))
        return phrases

    @property
    def recipients_phrase(self) -> str:
        """ "13 stadsdelsförvaltningar, fyra fackförvaltningar och 16 föreningar inom ..." """
        return join_sv([phrase for phrase, _ in self.recipient_phrases])

    @property
    def call_associations(self) -> list[AssociationLine]:
        """The föreningar outside an IOP: the ones after the call (seed 004's footnote 2)."""
        return [line for line in self.associations if not line.partnership]

    @property
    def partners(self) -> list[str]:
        """The IOP partners that got money this year, by name."""
        return [line.name for line in self.associations if line.partnership]

    @property
    def associations_count_phrase(self) -> str:
        """The attachment's opening words, counted as Swedish prose counts (small numbers in
        words): "Tre föreningar inom civilsamhället, varav en i idéburet offentligt
        partnerskap (IOP)," or "Två föreningar …, båda i idéburna offentliga partnerskap
        (IOP),"."""
        count, partners = len(self.associations), len(self.partners)
        head = counted(count, "förening", "föreningar")
        head = f"{head[:1].upper()}{head[1:]} inom civilsamhället"
        if not partners:
            return head
        if partners == count:
            which = "den" if count == 1 else ("båda" if count == 2 else "alla")
        else:
            which = f"varav {number_word(partners, common=True)}"
        kind = (
            "idéburet offentligt partnerskap"
            if partners == 1
            else "idéburna offentliga partnerskap"
        )
        return f"{head}, {which} i {kind} (IOP),"

    @property
    def partners_phrase(self) -> str:
        """ "Stiftelsen 1000 Möjligheter och Streetminds inom idéburna offentliga partnerskap
        (IOP)", as seed 004 names them apart from the föreningar after the call."""
        if not self.partners:
            return ""
        kind = (
            "idéburet offentligt partnerskap"
            if len(self.partners) == 1
            else ("idéburna offentliga partnerskap")
        )
        return f"{join_sv(self.partners)} inom {kind} (IOP)"

    @property
    def next_year_sentence(self) -> str:
        """Seed 004's "<organisation> tilldelas 32,3 mnkr för år 2024.", from next year's
        agreement; nothing when it is not registered."""
        if self.next_total is None:
            return ""
        amount = format_mnkr_or_kr(self.next_total.granted)
        return f"{self.agreement.organisation.name} tilldelas {amount} för år {self.next_year}."

    @property
    def shares_phrase(self) -> str:
        """ "55 % av medlen har fördelats till stadsdelsförvaltningarna, 35 % till ..." """
        if not self.shares:
            return ""
        first, *rest = self.shares
        parts = [f"{in_prose(first.percent)} av medlen har fördelats till {first.target_phrase}"]
        parts += [f"{in_prose(share.percent)} till {share.target_phrase}" for share in rest]
        return join_sv(parts)

    @property
    def dropped_phrase(self) -> str:
        return join_sv(self.dropped_areas)


def in_prose(percent: str) -> str:
    """ "55 %" as running text writes it (seed 004): "55 procent"; tables keep "%"."""
    return percent.replace("\u00a0%", "\u00a0procent")


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


def merged_recipient_count(with_money: set[int], successors: dict[int, int | None]) -> int:
    """Recipients that held money, a merged unit and its successor counted once.

    A unit whose successor (however many merges on) also held money in the same year is
    counted as that successor; a unit whose successor held nothing that year counts on its
    own (it held the year's money before the merge).
    """
    representatives = set()
    for recipient_id in with_money:
        representative, current, seen = recipient_id, recipient_id, set()
        while successors.get(current) and current not in seen:
            seen.add(current)
            current = successors[current]
            if current in with_money:
                representative = current
        representatives.add(representative)
    return len(representatives)


def _in_partnership(agreement: Agreement) -> Exists:
    """Whether an allocation's recipient is in an IOP that covers the agreement's year."""
    return Exists(
        Partnership.objects.filter(
            organisation_id=agreement.organisation_id,
            recipient_id=OuterRef("recipient_id"),
            first_year__lte=agreement.year,
            last_year__gte=agreement.year,
        )
    )


def _allocated_rows(agreement: Agreement) -> list[dict]:
    """Money per recipient this year, with its kind, its förvaltning, whether it is an IOP
    partner and how much of it the state earmarked for the youth clinics (one query)."""
    return list(
        Allocation.objects.filter(priority_area__agreement=agreement, amount__gt=0)
        .annotate(partnership=_in_partnership(agreement))
        .values(
            "recipient_id",
            "recipient__kind",
            "recipient__name",
            "recipient__organisation_number",
            "recipient__parent_id",
            "recipient__parent__name",
            "partnership",
        )
        .annotate(
            total=Sum("amount"),
            youth_clinics=Sum(
                "amount", filter=Q(priority_area__national_area__youth_clinics=True), default=ZERO
            ),
        )
        .order_by()
    )


def _is_own(row: dict, administration: str) -> bool:
    """Whether the recipient is the distributing förvaltning or one of its units."""
    name = row["recipient__parent__name"] or row["recipient__name"]
    return bool(administration) and name.strip().casefold() == administration.casefold()


def _named_count(rows: list[dict], kind: str, successors: dict[int, int | None]) -> int:
    """What the sentence on recipients counts: a unit as its förvaltning, merged units once,
    föreningar in an IOP not (they are named apart)."""
    if kind == Recipient.Kind.ASSOCIATION:
        rows = [row for row in rows if not row["partnership"]]
    held = {row["recipient__parent_id"] or row["recipient_id"] for row in rows}
    return merged_recipient_count(held, successors) if held else 0


def _shares(
    agreement: Agreement, rows: list[dict], administration: str
) -> tuple[list[KindShare], str]:
    """The split per kind, and the phrase for the distributing förvaltning's own units."""
    successors = dict(
        Recipient.objects.filter(
            organisation_id=agreement.organisation_id, successor__isnull=False
        ).values_list("pk", "successor_id")
    )
    own = {row["recipient_id"] for row in rows if _is_own(row, administration)}
    whole = sum((row["total"] for row in rows), ZERO)
    shares = []
    for kind, (singular, plural) in KIND_LABELS.items():
        kind_rows = [row for row in rows if row["recipient__kind"] == kind]
        if not kind_rows:
            continue
        total = sum((row["total"] for row in kind_rows), ZERO)
        others = [row for row in kind_rows if row["recipient_id"] not in own]
        named = _named_count(others, kind, successors)
        recipients = merged_recipient_count({row["recipient_id"] for row in kind_rows}, successors)
        apart = ""
        if recipients != named:
            if kind == Recipient.Kind.ASSOCIATION and any(row["partnership"] for row in kind_rows):
                apart = "partnerna i idéburna offentliga partnerskap (IOP)"
            elif any(row["recipient__parent_id"] for row in kind_rows) or own:
                apart = "enheter inom en förvaltning"
        shares.append(
            KindShare(
                kind=kind,
                heading=KIND_HEADINGS[kind],
                phrase=counted(named, singular, plural) if named else "",
                target=KIND_TARGETS[kind],
                amount=total,
                recipients=recipients,
                percent=format_percent(total, whole),
                counted_apart=apart,
                youth_clinics=sum((row["youth_clinics"] for row in kind_rows), ZERO),
            )
        )
    own_phrase = f"{genitive(administration.lower())} egna enheter" if own else ""
    return shares, own_phrase


def _associations(rows: list[dict]) -> list[AssociationLine]:
    lines = [
        AssociationLine(
            row["recipient__name"],
            row["recipient__organisation_number"],
            row["total"],
            partnership=row["partnership"],
        )
        for row in rows
        if row["recipient__kind"] == Recipient.Kind.ASSOCIATION
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


def area_changes(
    this_year: list[PriorityArea], next_year: list[PriorityArea]
) -> tuple[dict[int, PriorityArea | None], list[PriorityArea]]:
    """Next year's area id -> the area of this year it continues (or None: a new area), and
    this year's areas that nothing continues. The link is the coordinator's explicit
    `previous_area`, else the national mapping's lineage between the two years'
    national agreements (funds/year/lineage.py) — never equal names."""
    predecessors = area_predecessors(next_year) if next_year else {}
    by_id = {area.pk: area for area in this_year}
    continued: dict[int, PriorityArea | None] = {}
    for area in next_year:
        predecessor = predecessors.get(area.pk)
        continued[area.pk] = by_id.get(predecessor.pk) if predecessor is not None else None
    linked = {area.pk for area in continued.values() if area is not None}
    dropped = [area for area in this_year if area.pk not in linked]
    return continued, dropped


def _next_areas(
    balance: AgreementBalance, next_balance: AgreementBalance, rows: dict[int, PriorityArea]
) -> tuple[list[AreaFigure], list[str]]:
    """Next year's areas, each with the area it continues and that area's amount, and the
    names of this year's areas that no area continues."""
    this_rows = [rows[line.area_id] for line in balance.lines if line.area_id in rows]
    next_rows = [rows[line.area_id] for line in next_balance.lines if line.area_id in rows]
    continued, dropped_rows = area_changes(this_rows, next_rows)
    granted = {line.area_id: line.granted for line in balance.lines}
    next_areas = []
    for line in next_balance.lines:
        row = rows.get(line.area_id)
        previous = continued.get(line.area_id)
        national = row.national_area if row is not None else None
        next_areas.append(
            AreaFigure(
                line,
                row.description if row is not None else "",
                granted.get(previous.pk) if previous is not None else None,
                previous.name if previous is not None else "",
                national.name if national is not None else "",
            )
        )
    return next_areas, [area.name for area in dropped_rows]


def _national_count(agreement: Agreement) -> int:
    """The year's national areas that concern this organisation's kind of huvudman: those
    that fund it, and those whose money goes to the county's joint work of kommuner and
    region (länsgemensamt). In 2024 only one area funded the kommuner directly and four more
    länsgemensamt; "varav ett berör kommunerna" beside "Medlen till … hör till fyra av
    överenskommelsens områden" read as a contradiction."""
    huvudman = HUVUDMAN_OF.get(
        agreement.organisation.kind, NationalAreaFunding.Huvudman.MUNICIPALITIES
    )
    concerned = {huvudman, NationalAreaFunding.Huvudman.COUNTY}
    return (
        NationalArea.objects.filter(
            national_agreement__year=agreement.year, fundings__huvudman__in=concerned
        )
        .distinct()
        .count()
    )


def _national_mapped(balance: AgreementBalance, rows: dict[int, PriorityArea]) -> int:
    """How many national areas this year's areas belong to."""
    return len(
        {
            rows[line.area_id].national_area_id
            for line in balance.lines
            if line.area_id in rows and rows[line.area_id].national_area_id
        }
    )


def decision_figures(
    agreement: Agreement,
    interventions: list[Intervention] | None = None,
    *,
    administration: str | None = None,
) -> DecisionFigures:
    """The figures for the document that reports `agreement.year` and delegates the next;
    `administration` is the förvaltning that distributes (the document's, else the
    organisation's)."""
    balance = agreement_balance(agreement)
    rows = {
        area.pk: area
        for area in PriorityArea.objects.filter(
            agreement__organisation_id=agreement.organisation_id,
            agreement__year__in=(agreement.year, agreement.year + 1),
        ).select_related("national_area")
    }
    national_count = _national_count(agreement)
    areas = [
        AreaFigure(line, rows[line.area_id].description if line.area_id in rows else "")
        for line in balance.lines
    ]
    next_agreement = Agreement.objects.filter(
        organisation_id=agreement.organisation_id, year=agreement.year + 1
    ).first()
    next_balance = None
    next_areas: list[AreaFigure] = []
    dropped: list[str] = []
    if next_agreement is not None:
        next_balance = agreement_balance(next_agreement)
        next_areas, dropped = _next_areas(balance, next_balance, rows)
    allocated = _allocated_rows(agreement)
    if administration is None:
        administration = agreement.organisation.administration
    shares, own_units_phrase = _shares(agreement, allocated, administration.strip())
    return DecisionFigures(
        agreement=agreement,
        balance=balance,
        next_agreement=next_agreement,
        next_balance=next_balance,
        shares=shares,
        associations=_associations(allocated),
        own_units_phrase=own_units_phrase,
        examples=_examples(agreement, interventions or []),
        areas=areas,
        next_areas=next_areas,
        dropped_areas=dropped,
        national_count=national_count,
        national_mapped=_national_mapped(balance, rows),
    )
