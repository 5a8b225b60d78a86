"""Loads the demo's data files into the database and checks that the books add up.

`demo_load()` is idempotent: every row is found by its natural key and only written when it
is missing or differs from the files, so a second run changes nothing. The files hold the
data; this module holds the rules that turn it into rows: what remains of an area is split
between the districts by weight, an insats costs a share of its report's spent amount, the
unspent money goes back to the state, and the figures seed 004 reports must come out.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from funds.balance import agreement_balance
from funds.demo.rows import RowWriter, check, demo_file, kr, named, split_exact
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    FollowUp,
    Intervention,
    Membership,
    NationalArea,
    Organisation,
    Partnership,
    PriorityArea,
    Recipient,
    Repayment,
    SurveyCategory,
)
from funds.national.loader import reference_data_load

# The year the demo has closed and reported on, and the draft year after it (data/<year>.toml).
REPORTED_YEAR = 2023
DRAFT_YEAR = 2024
KRONA = Decimal("1")

Districts = list[dict[str, Any]]  # recipients.toml's districts, in the file's order
AllocationKey = tuple[str, str]  # (priority area's name, recipient's name)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str  # the Swedish label
    recipient: str | None
    password_set: bool  # False: the account existed and its password was left alone


@dataclass(frozen=True)
class DemoSummary:
    organisation: str
    created: int  # rows written by this run
    updated: int
    counts: dict[str, int]  # rows of the organisation now in the database, by Swedish name
    logins: tuple[DemoLogin, ...]
    password: str


def demo_load() -> DemoSummary:
    """Load (or restore) Stockholms stad's demo data; raise DemoDataError if it does not add up.

    Everything happens in one transaction: a failed check leaves the database as it was.
    """
    reported, draft = demo_file(str(REPORTED_YEAR)), demo_file(str(DRAFT_YEAR))
    recipients_data, users = demo_file("recipients"), demo_file("users")
    check(
        (reported["year"], draft["year"]) == (REPORTED_YEAR, DRAFT_YEAR),
        "Årsfilernas year stämmer inte med filnamnen.",
    )
    with transaction.atomic():
        writer = RowWriter()
        organisation = _load_organisation(writer, demo_file("organisation"))
        recipients = _load_recipients(writer, organisation, recipients_data)
        districts = recipients_data["districts"]
        categories = _load_survey_categories()
        agreement, areas = _load_agreement(writer, organisation, reported)
        allocations = _load_allocations(writer, reported, areas, recipients, districts)
        follow_ups = _load_follow_ups(writer, reported, allocations)
        _load_repayments(writer, reported, areas, recipients, allocations, follow_ups)
        spent = _load_named_interventions(writer, follow_ups, categories)
        _load_summary_interventions(writer, reported, follow_ups, spent, categories)
        draft_agreement, draft_areas = _load_agreement(writer, organisation, draft)
        _load_draft(writer, draft, draft_areas, recipients, districts)
        logins = _load_users(writer, organisation, recipients, users)
        _check_books(agreement, reported["reported"], draft_agreement, kr(draft["total"]))
        return DemoSummary(
            organisation=organisation.name,
            created=writer.created,
            updated=writer.updated,
            counts=_counts(organisation),
            logins=tuple(logins),
            password=users["password"],
        )


def demo_coordinator(organisation: Organisation):
    """The user who acts for the demo organisation where a workflow needs one (the demo's
    call, its issued tjänsteutlåtande): its first coordinator, or None."""
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _load_organisation(writer: RowWriter, data: dict[str, Any]) -> Organisation:
    values = {name: value for name, value in data.items() if name != "code"}
    return writer.upsert(Organisation, {"code": data["code"]}, values)


def _load_recipients(
    writer: RowWriter, organisation: Organisation, data: dict[str, Any]
) -> dict[str, Recipient]:
    recipients: dict[str, Recipient] = {}

    def load(name: str, kind: str, **values: Any) -> None:
        defaults = {
            "kind": kind,
            "organisation_number": "",
            "valid_from": None,
            "valid_to": None,
            "successor": None,
            "parent": None,
            **values,
        }
        recipients[name] = writer.upsert(
            Recipient, {"organisation": organisation, "name": name}, defaults
        )

    for row in data["districts"]:
        # A successor comes before the districts that point at it (recipients.toml).
        successor = row.get("successor")
        load(
            row["name"],
            Recipient.Kind.DISTRICT,
            valid_from=row.get("valid_from"),
            valid_to=row.get("valid_to"),
            successor=named(recipients, successor, "efterträdaren") if successor else None,
        )
    for row in data["departments"]:
        # A förvaltning comes before its units (recipients.toml).
        parent = row.get("parent")
        load(
            row["name"],
            Recipient.Kind.DEPARTMENT,
            parent=named(recipients, parent, "förvaltningen") if parent else None,
        )
    for row in data["associations"]:
        load(
            row["name"],
            Recipient.Kind.ASSOCIATION,
            organisation_number=row["organisation_number"],
        )
        if "iop" in row:
            _load_partnership(writer, organisation, recipients[row["name"]], row["iop"])
    return recipients


def _load_partnership(
    writer: RowWriter, organisation: Organisation, recipient: Recipient, data: dict[str, Any]
) -> None:
    """An association's idéburet offentligt partnerskap (IOP)."""
    writer.upsert(
        Partnership,
        {"organisation": organisation, "recipient": recipient, "first_year": data["first_year"]},
        {
            "last_year": data["last_year"],
            "yearly_amount": kr(data["yearly_amount"]),
            "area_description": data["area"],
        },
    )


def _districts_on(districts: Districts, day: datetime.date) -> list[str]:
    """The districts that existed on a day, in the file's order."""
    return [
        row["name"]
        for row in districts
        if row.get("valid_from", day) <= day and row.get("valid_to", day) >= day
    ]


def _district_split(
    total: Decimal, names: Sequence[str], districts: Districts
) -> dict[str, Decimal]:
    """Total split between the named districts by their weights (recipients.toml)."""
    weights = {row["name"]: row["weight"] for row in districts}
    split = split_exact(total, [named(weights, name, "stadsdelen") for name in names])
    return dict(zip(names, split, strict=True))


def _load_survey_categories() -> dict[tuple[int, str, str], SurveyCategory]:
    """The demo's insatser use the national reference data's categories of their year."""
    reference_data_load()
    return {
        (category.year, category.group, category.label): category
        for category in SurveyCategory.objects.filter(year__in=(REPORTED_YEAR, DRAFT_YEAR))
    }


def _categories(
    categories: dict[tuple[int, str, str], SurveyCategory],
    year: int,
    answers: dict[str, list[str]],
) -> list[SurveyCategory]:
    """The categories an insats ticks, from its answers by group code."""
    return [
        named(categories, (year, group, label), "enkätkategorin")
        for group, labels in answers.items()
        for label in labels
    ]


def _load_agreement(
    writer: RowWriter, organisation: Organisation, data: dict[str, Any]
) -> tuple[Agreement, dict[str, PriorityArea]]:
    year, total = data["year"], kr(data["total"])
    check(
        sum((kr(area["granted"]) for area in data["areas"]), ZERO) == total,
        f"De prioriterade områdena {year} summerar inte till {total} kr.",
    )
    agreement = writer.upsert(
        Agreement,
        {"organisation": organisation, "year": year},
        {
            "title": data["title"],
            "agreed_on": data["agreed_on"],
            "status": data["status"],
            "registry_number": data["registry_number"],
        },
    )
    national = {
        area.number: area for area in NationalArea.objects.filter(national_agreement__year=year)
    }
    areas = {}
    for area in data["areas"]:
        number = area["national_area"]
        check(number in national, f"Det nationella området {number} för {year} saknas.")
        areas[area["name"]] = writer.upsert(
            PriorityArea,
            {"agreement": agreement, "number": area["number"]},
            {
                "name": area["name"],
                "description": area["description"],
                "granted": kr(area["granted"]),
                "national_area": national[number],
            },
        )
    return agreement, areas


def _load_allocations(
    writer: RowWriter,
    data: dict[str, Any],
    areas: dict[str, PriorityArea],
    recipients: dict[str, Recipient],
    districts: Districts,
) -> dict[AllocationKey, Allocation]:
    """Each area's fixed allocations, and what remains of it split between the districts."""
    year, settings = data["year"], data["allocations"]
    everyone = _districts_on(districts, settings["districts_on"])
    allocations = {}
    for area_data in data["areas"]:
        area = areas[area_data["name"]]
        amounts = {name: kr(amount) for name, amount in area_data.get("allocations", {}).items()}
        rest = area.granted - sum(amounts.values(), ZERO)
        check(rest > ZERO, "De fasta beloppen tar hela området; inget blir kvar till stadsdelarna.")
        amounts.update(_district_split(rest, area_data.get("districts", everyone), districts))
        for name, amount in amounts.items():
            recipient = named(recipients, name, "mottagaren")
            comment = settings["comments"].get(name, "")
            if not comment and recipient.kind == Recipient.Kind.ASSOCIATION:
                comment = settings["association_comment"]
            allocations[area.name, name] = writer.upsert(
                Allocation,
                {"priority_area": area, "recipient": recipient},
                {"amount": amount, "comment": comment},
            )
    _check_kind_shares(year, data["reported"], recipients, allocations, kr(data["total"]))
    check(
        {r.name for r in recipients.values() if r.kind == Recipient.Kind.ASSOCIATION}
        <= {name for _, name in allocations},
        f"Alla föreningar ska ha fått medel {year}.",
    )
    return allocations


def _check_kind_shares(
    year: int,
    reported: dict[str, Any],
    recipients: dict[str, Recipient],
    allocations: dict[AllocationKey, Allocation],
    total: Decimal,
) -> None:
    """The split by kind of recipient is the one seed 004 reports, give or take a little."""
    targets = reported["kind_shares"]
    by_kind: dict[str, Decimal] = dict.fromkeys(targets, ZERO)
    for (_, name), allocation in allocations.items():
        by_kind[recipients[name].kind] += allocation.amount
    for kind, target in targets.items():
        share = by_kind[kind] * 100 / total
        check(
            abs(share - target) <= reported["kind_share_tolerance"],
            f"Andelen till {Recipient.Kind(kind).label} {year} är {share:.1f} %, "
            f"inte cirka {target} %.",
        )


def _load_follow_ups(
    writer: RowWriter, data: dict[str, Any], allocations: dict[AllocationKey, Allocation]
) -> dict[AllocationKey, FollowUp]:
    """An approved report for every allocation; the unspent total left where the data says."""
    settings = data["follow_ups"]
    weights = {
        (area["name"], name): weight
        for area in data["areas"]
        for name, weight in area.get("unspent", {}).items()
    }
    check(set(weights) <= set(allocations), "Oförbrukade medel hänvisar till en okänd fördelning.")
    split = split_exact(kr(settings["unspent_total"]), list(weights.values()))
    unspent = dict(zip(weights, split, strict=True))
    follow_ups = {}
    for key, allocation in allocations.items():
        left = unspent.get(key, ZERO)
        check(
            left <= allocation.amount / 2,
            f"{key[1]} kan inte ha lämnat {left} kr av {allocation.amount} kr oförbrukat.",
        )
        follow_ups[key] = writer.upsert(
            FollowUp,
            {"allocation": allocation},
            {
                "status": FollowUp.Status.APPROVED,
                "spent": allocation.amount - left,
                "results": settings["results_unspent"] if left else settings["results"],
                "submitted_at": settings["submitted_at"],
                "approved_at": settings["approved_at"],
            },
        )
    return follow_ups


def _load_repayments(
    writer: RowWriter,
    data: dict[str, Any],
    areas: dict[str, PriorityArea],
    recipients: dict[str, Recipient],
    allocations: dict[AllocationKey, Allocation],
    follow_ups: dict[AllocationKey, FollowUp],
) -> None:
    """Each recipient repays what it left unspent, and each area's sum goes on to the state."""
    settings = data["repayments"]
    repaid_per_area = dict.fromkeys(areas, ZERO)
    for (area_name, name), follow_up in follow_ups.items():
        unspent = allocations[area_name, name].amount - follow_up.spent
        if not unspent:
            continue
        repaid_per_area[area_name] += unspent
        writer.upsert(
            Repayment,
            {
                "priority_area": areas[area_name],
                "kind": Repayment.Kind.FROM_RECIPIENT,
                "recipient": recipients[name],
            },
            {
                "amount": unspent,
                "paid_on": settings["from_recipients_on"],
                "reference": settings["from_recipients_reference"],
            },
        )
    for area_name, repaid in repaid_per_area.items():
        if not repaid:
            continue
        writer.upsert(
            Repayment,
            {"priority_area": areas[area_name], "kind": Repayment.Kind.TO_STATE, "recipient": None},
            {
                "amount": repaid,
                "paid_on": settings["to_state_on"],
                "reference": settings["to_state_reference"],
            },
        )


def _load_named_interventions(
    writer: RowWriter,
    follow_ups: dict[AllocationKey, FollowUp],
    categories: dict[tuple[int, str, str], SurveyCategory],
) -> dict[AllocationKey, Decimal]:
    """The insatser of interventions_<year>.toml; returns what they cost per report."""
    spent_by_interventions: dict[AllocationKey, Decimal] = {}
    for data in demo_file(f"interventions_{REPORTED_YEAR}")["interventions"]:
        key = (data["area"], data["recipient"])
        check(key in follow_ups, f"Insatsen {data['name']} hänvisar till en okänd fördelning.")
        follow_up = follow_ups[key]
        share = Decimal(data["share_of_spent"])
        amount = kr(int((follow_up.spent * share).quantize(KRONA, ROUND_DOWN)))
        spent_by_interventions[key] = spent_by_interventions.get(key, ZERO) + amount
        check(
            spent_by_interventions[key] <= follow_up.spent,
            f"Insatserna för {data['recipient']} ({data['area']}) kostar mer än som förbrukats.",
        )
        intervention = writer.upsert(
            Intervention,
            {"follow_up": follow_up, "name": data["name"]},
            {
                "description": data["description"],
                "responsible_unit": data["responsible_unit"],
                "amount_spent": amount,
                "results": data["results"],
            },
        )
        # set() only writes the difference, so a second run leaves the links alone.
        intervention.categories.set(_categories(categories, REPORTED_YEAR, data["categories"]))
    return spent_by_interventions


def _load_summary_interventions(
    writer: RowWriter,
    data: dict[str, Any],
    follow_ups: dict[AllocationKey, FollowUp],
    spent_by_interventions: dict[AllocationKey, Decimal],
    categories: dict[tuple[int, str, str], SurveyCategory],
) -> None:
    """One summary insats per report for what its named insatser leave, so every report
    accounts for all its money in insatser."""
    summary = data["summary_interventions"]
    ticked = _categories(categories, data["year"], summary["categories"])
    for (area_name, recipient_name), follow_up in follow_ups.items():
        remainder = follow_up.spent - spent_by_interventions.get((area_name, recipient_name), ZERO)
        if remainder <= 0:
            continue
        intervention = writer.upsert(
            Intervention,
            {"follow_up": follow_up, "name": f"{summary['name_prefix']} {area_name.lower()}"},
            {
                "description": summary["description"].format(recipient=recipient_name),
                "responsible_unit": recipient_name,
                "amount_spent": remainder,
                "results": summary["results"],
            },
        )
        intervention.categories.set(ticked)


def _load_draft(
    writer: RowWriter,
    data: dict[str, Any],
    areas: dict[str, PriorityArea],
    recipients: dict[str, Recipient],
    districts: Districts,
) -> None:
    """The draft year's proposed allocations, each area left partly unallocated."""
    settings = data["allocations"]
    names = _districts_on(districts, settings["districts_on"])
    for area_data in data["areas"]:
        area = areas[area_data["name"]]
        amounts = {name: kr(amount) for name, amount in area_data.get("allocations", {}).items()}
        if "district_total" in area_data:
            amounts.update(_district_split(kr(area_data["district_total"]), names, districts))
        check(
            sum(amounts.values(), ZERO) < area.granted,
            f"Utkastet för {data['year']} ska lämna en del av {area.name} ofördelad.",
        )
        for name, amount in amounts.items():
            # update=False: the coordinator changes the draft in the app; keep their edits.
            writer.upsert(
                Allocation,
                {"priority_area": area, "recipient": named(recipients, name, "mottagaren")},
                {"amount": amount, "comment": settings["comment"]},
                update=False,
            )


def _load_users(
    writer: RowWriter,
    organisation: Organisation,
    recipients: dict[str, Recipient],
    data: dict[str, Any],
) -> list[DemoLogin]:
    user_model = get_user_model()
    logins = []
    for row in data["users"]:
        values = {
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "email": row["email"],
            "is_staff": row.get("staff", False),
            "is_superuser": row.get("staff", False),
            "is_active": True,
        }
        user = user_model.objects.filter(username=row["username"]).first()
        password_set = user is None
        if user is None:
            # The password is set only when the account is created: a re-run neither churns
            # the hash nor resets a password somebody changed.
            user = user_model(username=row["username"], **values)
            user.set_password(data["password"])
            user.full_clean()
            user.save()
            writer.created += 1
        else:
            user = writer.upsert(user_model, {"username": row["username"]}, values)
        recipient = (
            named(recipients, row["recipient"], "mottagaren") if "recipient" in row else None
        )
        membership = writer.upsert(
            Membership,
            {"user": user, "organisation": organisation},
            {"role": row["role"], "recipient": recipient},
        )
        logins.append(
            DemoLogin(
                username=row["username"],
                full_name=user.get_full_name(),
                role=str(membership.get_role_display()),
                recipient=recipient.name if recipient else None,
                password_set=password_set,
            )
        )
    return logins


def _check_books(
    agreement: Agreement, reported: dict[str, Any], draft: Agreement, draft_total: Decimal
) -> None:
    """The figures seed 004 reports must come out of the balance, to the öre."""
    balance = agreement_balance(agreement)
    total = balance.total
    year = agreement.year
    for name in ("granted", "allocated", "spent", "repaid_by_recipients", "repaid_to_state"):
        amount = kr(reported[name])
        check(
            getattr(total, name) == amount,
            f"{year}: {name} är {getattr(total, name)} kr, väntat {amount} kr. Har {year} års "
            "demodata ändrats i appen?",
        )
    for line in balance.lines:
        check(line.unallocated == ZERO, f"{year}: {line.label} är inte helt fördelat.")
        check(line.reconciles, f"{year}: {line.label} går inte ihop.")
    draft_balance = agreement_balance(draft)
    check(
        draft_balance.total.granted == draft_total,
        f"{draft.year} ska vara {draft_total} kr.",
    )
    for line in draft_balance.lines:
        check(not line.over_allocated, f"{draft.year}: {line.label} är överfördelat.")


def _counts(organisation: Organisation) -> dict[str, int]:
    """Rows of each kind that belong to the organisation, by Swedish name."""
    agreements = Agreement.objects.filter(organisation=organisation)
    allocations = Allocation.objects.filter(priority_area__agreement__in=agreements)
    follow_ups = FollowUp.objects.filter(allocation__in=allocations)
    return {
        "överenskommelser": agreements.count(),
        "prioriterade områden": PriorityArea.objects.filter(agreement__in=agreements).count(),
        "mottagare": Recipient.objects.filter(organisation=organisation).count(),
        "fördelningar": allocations.count(),
        "redovisningar": follow_ups.count(),
        "insatser": Intervention.objects.filter(follow_up__in=follow_ups).count(),
        "återbetalningar": Repayment.objects.filter(
            priority_area__agreement__in=agreements
        ).count(),
        "enkätkategorier": SurveyCategory.objects.filter(
            year__in=(REPORTED_YEAR, DRAFT_YEAR)
        ).count(),
        "användare": Membership.objects.filter(organisation=organisation).count(),
    }
