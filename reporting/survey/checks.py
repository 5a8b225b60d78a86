"""The enkät's checks: everything that would make the year's export wrong or incomplete.

`survey_check(agreement)` lists each problem with a link to the page that fixes it. Before
follow-up (a draft or a decided year) the problems are the steps that remain (decide, report,
approve), not errors to correct. The export (reporting/survey/workbook.py) refuses while
problems remain unless it is a draft.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import translation

from funds.access import EDITOR_ROLES, VIEWER_ROLES
from funds.balance import AgreementBalance, BalanceLine, agreement_balance
from funds.followup.rules import (
    ASKED_GROUPS,
    MAY_BE_UNANSWERED,
    REQUIRED_GROUPS,
    STATE_LABELS,
)
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    FollowUp,
    Intervention,
    Recipient,
    Repayment,
    SurveyCategory,
)
from funds.money import format_kr
from funds.year.status import Obstacle
from reporting.survey.routes import AreaRoute, area_routes

NAMES_PER_PROBLEM = 3  # interventions named in one problem line before "…"
CHUNK = 2_000  # rows per fetch of a streamed query
CATEGORY_PERMISSION = "funds.change_surveycategory"  # the admin's category pages

_MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class SurveyProblem:
    """One thing that makes the export wrong or incomplete, and where to fix it.

    `roles` are the roles the linked page lets in (the same sets its view requires), and
    `permission` the Django permission an admin page needs: the page shows the link only to
    users who can open it, never a link that answers 403."""

    message: str
    url: str
    action: str
    roles: frozenset[str] = frozenset(VIEWER_ROLES)
    permission: str = ""

    def opens_for(self, user, role: str | None) -> bool:
        if self.permission:
            return user.is_active and user.is_staff and user.has_perm(self.permission)
        return role in self.roles


def problems_for(problems: list[SurveyProblem], user, role: str | None) -> list[SurveyProblem]:
    """The problems as `user` (with `role`) sees them: a link they cannot open is left out,
    the problem itself stays."""
    return [
        problem if problem.opens_for(user, role) else replace(problem, url="", action="")
        for problem in problems
    ]


@dataclass(frozen=True)
class Unanswered:
    """How many insatser leave one question group "Ej besvarat"."""

    group: str
    label: str
    count: int
    allowed: bool  # the national form accepts "Ej besvarat" here (Effekt)


@dataclass
class SurveyCheck:
    agreement: Agreement
    balance: AgreementBalance
    categories: list[SurveyCategory]
    routes: dict[int, AreaRoute] = field(default_factory=dict)
    problems: list[SurveyProblem] = field(default_factory=list)
    # Before follow-up the problems are the steps that remain, not errors to correct.
    before_follow_up: bool = False
    follow_ups_expected: int = 0  # allocations with money, or with a follow-up
    follow_ups_approved: int = 0
    interventions_by_area: dict[int, int] = field(default_factory=dict)
    # Per asked question group with at least one insats leaving it "Ej besvarat".
    unanswered: list[Unanswered] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unanswered_allowed(self) -> list[Unanswered]:
        return [item for item in self.unanswered if item.allowed]

    @property
    def interventions(self) -> int:
        return sum(self.interventions_by_area.values())

    def lines_with_routes(self) -> list[tuple[BalanceLine, AreaRoute | None]]:
        return [(line, self.routes.get(line.area_id)) for line in self.balance.lines]


class SurveyRefused(Exception):
    """The export was refused: problems remain and it was not a draft."""

    def __init__(self, check: SurveyCheck) -> None:
        self.check = check
        super().__init__(
            f"Enkätunderlaget skapades inte: {len(check.problems)} problem återstår. Rätta dem "
            "eller ladda ner ett utkast."
        )


def _summed(queryset: QuerySet, column: str) -> Coalesce:
    """A correlated subquery summing one column (the group key makes it one row)."""
    summed = queryset.order_by().values("group_key").annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _counted(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("group_key").annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted), Value(0))


def _allocations(agreement: Agreement) -> QuerySet[Allocation]:
    """Every allocation of the year with its follow-up and the sums that must agree: one query."""
    interventions = Intervention.objects.filter(follow_up__allocation=OuterRef("pk")).annotate(
        group_key=Value(1)
    )
    repaid = Repayment.objects.filter(
        kind=Repayment.Kind.FROM_RECIPIENT,
        priority_area=OuterRef("priority_area"),
        recipient=OuterRef("recipient"),
    ).annotate(group_key=Value(1))
    return (
        Allocation.objects.filter(priority_area__agreement=agreement)
        .select_related("priority_area", "recipient")
        .annotate(
            follow_up_status=F("follow_up__status"),
            follow_up_spent=F("follow_up__spent"),
            intervention_count=_counted(interventions),
            intervention_sum=_summed(interventions, "amount_spent"),
            repaid=_summed(repaid, "amount"),
        )
        .order_by("priority_area__number", "recipient__name", "recipient_id")
    )


def category_through() -> type:
    """The table linking interventions to their categories."""
    return Intervention.categories.through


def _category_answers(agreement: Agreement) -> Iterator[tuple]:
    """Every insats of the year with what its categories answer: (allocation id, recipient,
    area number, area name, number on the form, name, answered groups (the JSON list),
    the groups of its categories of the year (a set), holds another year's categories).

    One streamed query, set-based: the insatser joined to their categories and grouped per
    insats (the groups aggregated, another year's categories counted), instead of an EXISTS
    per group and insats. In the export's order; the number counts the follow-up's insatser
    by id, as the form does."""
    year = agreement.year
    number = Window(RowNumber(), partition_by=[F("follow_up_id")], order_by=F("pk").asc())
    rows = (
        Intervention.objects.filter(follow_up__allocation__priority_area__agreement=agreement)
        .annotate(
            groups=StringAgg(
                "categories__group", delimiter=Value(","), filter=Q(categories__year=year)
            ),
            other_years=Count(
                "categories", filter=Q(categories__year__lt=year) | Q(categories__year__gt=year)
            ),
            number=number,
        )
        .order_by(
            "follow_up__allocation__priority_area__number",
            "follow_up__allocation__recipient__name",
            "follow_up__allocation_id",
            "pk",
        )
        .values_list(
            "follow_up__allocation_id",
            "follow_up__allocation__recipient__name",
            "follow_up__allocation__priority_area__number",
            "follow_up__allocation__priority_area__name",
            "number",
            "name",
            "answered_groups",
            "groups",
            "other_years",
        )
    )
    for *row, groups, other_years in rows.iterator(chunk_size=CHUNK):
        yield (*row, set(groups.split(",")) if groups else set(), other_years > 0)


@dataclass
class _Lacking:
    count: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.names) < NAMES_PER_PROBLEM:
            self.names.append(name)

    def text(self) -> str:
        named = ", ".join(f"”{name}”" for name in self.names)
        return named + (" …" if self.count > len(self.names) else "")


def state_labels() -> dict[str, str]:
    with translation.override("sv"):
        return {key: str(label) for key, label in STATE_LABELS.items()}


def group_labels() -> dict[str, str]:
    with translation.override("sv"):
        return {value: str(label) for value, label in SurveyCategory.Group.choices}


def kind_labels() -> dict[str, str]:
    with translation.override("sv"):
        return {value: str(label) for value, label in Recipient.Kind.choices}


def _ordered_categories(categories: QuerySet[SurveyCategory]) -> list[SurveyCategory]:
    """The year's categories in the order of the groups' definition, then position."""
    order = {value: index for index, (value, _) in enumerate(SurveyCategory.Group.choices)}
    return sorted(categories, key=lambda c: (order.get(c.group, len(order)), c.position, c.label))


def _follow_up_problems(
    allocation: Allocation, states: dict[str, str], lacking: dict[str, _Lacking], year: int
) -> list[tuple[str, bool]]:
    """One allocation's problems as (message, fixed on the repayments page)."""
    found: list[tuple[str, bool]] = []
    status = allocation.follow_up_status
    if status is None:
        found.append(("redovisningen är inte påbörjad.", False))
    elif status != FollowUp.Status.APPROVED:
        found.append((f"redovisningen är inte godkänd (status: {states[status]}).", False))

    spent = allocation.follow_up_spent
    if status is not None and spent is None:
        found.append(("förbrukat belopp saknas.", False))
    if spent is not None:
        summed = allocation.intervention_sum
        if spent and not allocation.intervention_count:
            found.append(
                (f"{format_kr(spent)} är förbrukat men inga insatser är redovisade.", False)
            )
        elif summed != spent:
            found.append(
                (
                    f"insatsernas belopp ({format_kr(summed)}) stämmer inte med förbrukat belopp "
                    f"({format_kr(spent)}), skillnad {format_kr(abs(spent - summed))}.",
                    False,
                )
            )
        unspent = max(allocation.amount - spent, ZERO)
        if unspent > allocation.repaid:
            found.append(
                (f"{format_kr(unspent - allocation.repaid)} oförbrukat är inte återbetalt.", True)
            )
        elif allocation.repaid > unspent:
            found.append(
                (
                    f"{format_kr(allocation.repaid - unspent)} mer är återbetalt än som blev "
                    "oförbrukat.",
                    True,
                )
            )

    for label, interventions in lacking.items():
        counted = f"{interventions.count} {'insats' if interventions.count == 1 else 'insatser'}"
        if label:
            text = f"{counted} saknar {label}: "
        else:
            text = f"{counted} har kategorier från ett annat år än {year} och kommer inte med: "
        found.append((text + interventions.text() + ".", False))
    return found


def survey_check(agreement: Agreement) -> SurveyCheck:
    """Everything that would make the year's export wrong or incomplete. Six queries.

    Before follow-up (a draft or a decided year), the problems are what remains to be done
    (decide, report, approve); repayments are not checked, since nothing can be owed yet.
    """
    year = agreement.year
    check = SurveyCheck(
        agreement=agreement,
        balance=agreement_balance(agreement),
        categories=_ordered_categories(SurveyCategory.objects.filter(year=year)),
        routes=area_routes(agreement),
        before_follow_up=agreement.status in (Agreement.Status.DRAFT, Agreement.Status.DECIDED),
    )
    check.problems += _year_problems(check)
    check.problems += _area_problems(check)
    answers = _answers_scanned(check)
    check.problems += _allocation_problems(check, answers.lacking)
    check.problems += answers.unanswered
    check.problems += _remaining_steps(check)
    return check


def _year_problems(check: SurveyCheck) -> list[SurveyProblem]:
    """The year not decided, or its category lists missing."""
    agreement, categories = check.agreement, check.categories
    code, year = agreement.organisation.code, agreement.year
    problems = []
    if agreement.status == Agreement.Status.DRAFT:
        problems.append(
            SurveyProblem(
                f"Överenskommelsen {year} är inte beslutad: fördelningen kan fortfarande ändras.",
                reverse("agreement_decision", args=[code, year]),
                "Till beslutet",
                roles=frozenset(EDITOR_ROLES),
            )
        )
    admin_url = reverse("admin:funds_surveycategory_changelist") + f"?year={year}"
    groups = {category.group for category in categories}
    if not categories:
        problems.append(
            SurveyProblem(
                f"Det finns inga enkätkategorier för {year}. En administratör lägger in årets "
                "listor.",
                admin_url,
                "Enkätkategorier",
                permission=CATEGORY_PERMISSION,
            )
        )
    else:
        labels = group_labels()
        for group in REQUIRED_GROUPS:
            if group not in groups:
                problems.append(
                    SurveyProblem(
                        f"Listan ”{labels[group]}” saknas för {year}.",
                        admin_url,
                        "Enkätkategorier",
                        permission=CATEGORY_PERMISSION,
                    )
                )
    return problems


def _area_problems(check: SurveyCheck) -> list[SurveyProblem]:
    """Over-allocated areas and, in follow-up, money owed to or overpaid to the state."""
    code, year = check.agreement.organisation.code, check.agreement.year
    problems = []
    for line in check.balance.lines:
        area = f"{line.number}. {line.label}"
        if line.over_allocated:
            problems.append(
                SurveyProblem(
                    f"{area}: {format_kr(line.allocated)} är fördelat men bara "
                    f"{format_kr(line.granted)} tilldelat.",
                    reverse("allocation_matrix", args=[code, year]),
                    "Öppna fördelningen",
                )
            )
        # An unmapped area is not a problem here: the workbook shows it as such (deciding the
        # year is where a mapping is required).
        difference = line.state_difference
        if difference and not check.before_follow_up:
            message = (
                f"{area}: {format_kr(difference)} ska betalas tillbaka till staten."
                if difference > ZERO
                else f"{area}: {format_kr(-difference)} för mycket är återbetalt till staten."
            )
            problems.append(
                SurveyProblem(
                    message, reverse("repayments", args=[code, year]), "Öppna återbetalningar"
                )
            )
    return problems


@dataclass
class _Answers:
    """What one pass over the year's insatser found."""

    # Per allocation, the insatser lacking each required group ("" for another year's
    # categories).
    lacking: dict[int, dict[str, _Lacking]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(_Lacking))
    )
    unanswered: list[SurveyProblem] = field(default_factory=list)


def _answers_scanned(check: SurveyCheck) -> _Answers:
    """One pass over `_category_answers`: the insatser lacking a required group, and (after
    the decision) one problem per insats that leaves an asked group "Ej besvarat", except
    the groups the national form allows unanswered; counts every such group on
    `check.unanswered`. Nothing to scan in a draft year: nobody has reported."""
    agreement = check.agreement
    found = _Answers()
    if agreement.status == Agreement.Status.DRAFT:
        return found
    present = {category.group for category in check.categories}
    asked = [group for group in ASKED_GROUPS if group in present]
    labels = group_labels()
    counts: dict[str, int] = defaultdict(int)
    code, year = agreement.organisation.code, agreement.year
    for *where, number, name, answered, groups, other_year in _category_answers(agreement):
        lacking = found.lacking[where[0]]
        for group, label in REQUIRED_GROUPS.items():
            if group not in groups:
                lacking[label].add(name)
        if other_year:
            lacking[""].add(name)
        if not lacking:
            del found.lacking[where[0]]
        missing = [g for g in asked if g not in groups and g not in (answered or ())]
        for group in missing:
            counts[group] += 1
        gaps = [labels[group].lower() for group in missing if group not in MAY_BE_UNANSWERED]
        if gaps:
            url = reverse("followup_edit", args=[code, year, where[0]])
            found.unanswered.append(_unanswered_problem(where, number, name, gaps, url))
    check.unanswered = [
        Unanswered(group, labels[group], counts[group], group in MAY_BE_UNANSWERED)
        for group in asked
        if counts[group]
    ]
    return found


def _unanswered_problem(
    where: list, number: int, name: str, gaps: list[str], url: str
) -> SurveyProblem:
    _, recipient, area_number, area_name = where
    listed = gaps[0] if len(gaps) == 1 else f"{', '.join(gaps[:-1])} och {gaps[-1]}"
    return SurveyProblem(
        f"{recipient} – {area_number}. {area_name}: insats {number}, ”{name}”, "
        f"har inget svar (Ej besvarat) om {listed}.",
        f"{url}#insats-{number}",
        "Öppna insatsen",
    )


def _allocation_problems(
    check: SurveyCheck, lacking: dict[int, dict[str, _Lacking]]
) -> list[SurveyProblem]:
    """Each allocation's follow-up problems (with `lacking`, its insatser lacking a required
    group); counts the follow-ups and interventions on `check` as it goes (one pass over
    one query)."""
    agreement = check.agreement
    code, year = agreement.organisation.code, agreement.year
    draft_year = agreement.status == Agreement.Status.DRAFT
    states = state_labels()
    by_area: dict[int, int] = defaultdict(int)
    edit, repay = "Öppna redovisningen", "Öppna återbetalningar"
    repayments_url = reverse("repayments", args=[code, year])
    problems: list[SurveyProblem] = []
    for allocation in _allocations(agreement):
        by_area[allocation.priority_area_id] += allocation.intervention_count
        status = allocation.follow_up_status
        if not allocation.amount and status is None:
            continue  # nothing given, nothing to report
        check.follow_ups_expected += 1
        if status == FollowUp.Status.APPROVED:
            check.follow_ups_approved += 1
        if draft_year:
            continue  # nobody reports before the decision: one step below says so
        area = allocation.priority_area
        where = f"{allocation.recipient.name} – {area.number}. {area.name}"
        edit_url = reverse("followup_edit", args=[code, year, allocation.pk])
        found = _follow_up_problems(allocation, states, lacking.pop(allocation.pk, {}), year)
        problems += [
            SurveyProblem(
                f"{where}: {message}",
                repayments_url if is_repayment else edit_url,
                repay if is_repayment else edit,
            )
            for message, is_repayment in found
            if not (is_repayment and check.before_follow_up)
        ]
    check.interventions_by_area = dict(by_area)
    return problems


def _remaining_steps(check: SurveyCheck) -> list[SurveyProblem]:
    """Before follow-up: what remains to be done (report, approve, start the follow-up)."""
    code, year = check.agreement.organisation.code, check.agreement.year
    problems = []
    if check.agreement.status == Agreement.Status.DRAFT:
        problems.append(
            SurveyProblem(
                f"Redovisning: när fördelningen är beslutad redovisar mottagarna "
                f"{check.follow_ups_expected} fördelningar med pengar.",
                reverse("followup_list", args=[code, year]),
                "Öppna redovisningarna",
            )
        )
    if check.before_follow_up:
        problems.append(
            SurveyProblem(
                f"Godkännande och uppföljning: {check.follow_ups_approved} av "
                f"{check.follow_ups_expected} redovisningar är godkända. Samordnaren "
                "startar uppföljningen, och måste skriva ett skäl om inte alla är godkända; "
                "då stäms återbetalningarna av och exporten kan göras.",
                reverse("followup_board", args=[code, year]),
                "Öppna uppföljningen",
            )
        )
    return problems


def status_obstacles(agreement: Agreement, target: str) -> list[Obstacle]:
    """Closing a year while the enkät check finds problems needs a reason (registered with
    funds.year.status in ReportingConfig.ready, so funds does not import reporting)."""
    if target != Agreement.Status.CLOSED:
        return []
    problems = survey_check(agreement).problems
    if not problems:
        return []
    code, year = agreement.organisation.code, agreement.year
    return [
        Obstacle(
            f"Enkätkontrollen visar {len(problems)} problem: exporten till Socialstyrelsen "
            "blir ofullständig.",
            reverse("survey_check", args=[code, year]),
            "Öppna enkäten",
        )
    ]
