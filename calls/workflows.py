"""Workflows of a call: reserving money, applying, assessing, proposing and deciding.

Each is a keyword-only function named <entity>_<action>. Money checks that must hold
against concurrent users (a call's reservation, the sum of proposals, the decision) take a
row lock inside `transaction.atomic()`; the comment at each lock names the race it prevents.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from calls.access import conflicted_ids
from calls.models import (
    MAX_ATTACHMENTS,
    AccountLink,
    Application,
    Attachment,
    BudgetRow,
    Call,
    CallDecision,
    ConflictDeclaration,
    Criterion,
    DecisionLetter,
    Review,
    ReviewerAssignment,
    Score,
)
from calls.queries import area_free_money, call_available
from funds.allocation.workflows import allocation_set
from funds.identifiers import normalise_organisation_number
from funds.models import ZERO, Allocation, MailDelivery, Membership, PriorityArea, Recipient
from funds.money import format_kr
from funds.outbox import mail_enqueue, mail_sent

logger = logging.getLogger(__name__)


# --- Calls ---------------------------------------------------------------------------------


@transaction.atomic
def call_save(*, call: Call, criteria: list[dict], user) -> Call:
    """Create or change a draft call with its criteria. The amount must fit within the area's
    unallocated money less other calls' reservations."""
    if call.pk and Call.objects.get(pk=call.pk).status != Call.Status.DRAFT:
        raise ValidationError("En publicerad utlysning kan inte ändras.", code="not_draft")
    if not call.agreement.is_editable:
        raise ValidationError("Året är avslutat och kan inte ändras.", code="closed")
    # Lock the area: two coordinators saving calls for one area at once would otherwise
    # both see the same free money and together reserve more than there is.
    PriorityArea.objects.select_for_update().get(pk=call.priority_area_id)
    free = area_free_money(call.priority_area, excluding=call)
    if call.amount > free:
        raise ValidationError(
            f"Beloppet är större än det som finns kvar att fördela inom området "
            f"({format_kr(max(free, ZERO))}, efter andra utlysningars reservationer).",
            code="over_reserved",
        )
    if call.created_by_id is None:
        call.created_by = user
    call.save()
    call.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(call=call, position=index, **row) for index, row in enumerate(criteria)
    )
    return call


def call_set_status(*, call: Call, status: str) -> Call:
    """Draft → open (published) → closed. Closing early moves the deadline to now."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        allowed = {
            Call.Status.OPEN: {Call.Status.DRAFT},
            Call.Status.CLOSED: {Call.Status.OPEN},
        }
        if call.status not in allowed.get(status, set()):
            raise ValidationError(
                "Bara ett utkast kan publiceras, och bara en öppen utlysning kan stängas.",
                code="status",
            )
        if status == Call.Status.OPEN and not call.criteria.exists():
            raise ValidationError(
                "Lägg till minst ett bedömningskriterium innan utlysningen publiceras.",
                code="no_criteria",
            )
        call.status = status
        fields = ["status"]
        now = timezone.now()
        if status == Call.Status.CLOSED and call.closes_at > now:
            call.closes_at = max(now, call.opens_at + datetime.timedelta(seconds=1))
            fields.append("closes_at")
        call.save(update_fields=fields)
    return call


# --- Applying ------------------------------------------------------------------------------


def application_problems(application: Application) -> list[tuple[str, str]]:
    """What stops a draft from being submitted, as (field, Swedish message)."""
    problems: list[tuple[str, str]] = []
    call = application.call
    for field, label in (
        ("organisation_name", "organisationens namn"),
        ("organisation_number", "organisationsnumret"),
        ("organisation_kind", "organisationstypen"),
        ("contact_name", "kontaktpersonen"),
        ("contact_email", "kontaktpersonens e-post"),
        ("project_title", "projektets namn"),
        ("description", "beskrivningen"),
        ("expected_results", "de förväntade resultaten"),
    ):
        if not str(getattr(application, field) or "").strip():
            problems.append((field, f"Fyll i {label}."))
    if application.organisation_number:
        try:
            normalise_organisation_number(application.organisation_number)
        except ValidationError as error:
            problems.append(("organisation_number", error.messages[0]))
    if application.organisation_kind and application.organisation_kind not in call.eligible_kinds:
        problems.append(("organisation_kind", "Den här organisationstypen kan inte söka."))
    answers = list(application.answers or [])
    for index, question in enumerate(call.questions):
        if index >= len(answers) or not str(answers[index]).strip():
            problems.append((f"answer_{index}", f"Svara på frågan: {question}"))
    if not application.target_groups.exists():
        problems.append(("target_groups", "Välj minst en målgrupp."))
    requested = application.amount_requested
    if not requested:
        problems.append(("amount_requested", "Ange det belopp ni söker."))
    else:
        if requested > call.amount:
            problems.append(
                (
                    "amount_requested",
                    f"Ni kan söka högst {format_kr(call.amount)} i den här utlysningen.",
                )
            )
        if application.budget_total != requested:
            problems.append(
                (
                    "budget",
                    f"Budgetens rader summerar till {format_kr(application.budget_total)}, "
                    f"men ni söker {format_kr(requested)}. Beloppen ska vara lika.",
                )
            )
    return problems


@transaction.atomic
def application_budget_set(*, application: Application, rows: list[dict]) -> None:
    """The application's budget becomes exactly `rows` (item and amount), in their order."""
    application.budget_rows.all().delete()
    BudgetRow.objects.bulk_create(
        BudgetRow(application=application, position=index, **row) for index, row in enumerate(rows)
    )


def application_lock_for_edit(application: Application) -> Application:
    """Lock the application's row for the rest of the transaction and refuse unless it still
    takes changes: a draft save racing a submit must not put a submitted, receipted
    application back to draft (the submit locks the same row)."""
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=application.pk)
    )
    if not current.is_editable:
        raise ValidationError(edit_refusal(current), code="stale")
    return current


def attachment_add(*, application: Application, name: str, data: bytes) -> Attachment:
    """Store a checked PDF on an application that still takes changes. The row lock a submit
    also takes decides it: a file racing a submit is either in the submitted application or
    refused, and the count is read under the lock, so a double post cannot pass the limit."""
    with transaction.atomic():
        current = application_lock_for_edit(application)
        if current.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(f"Högst {MAX_ATTACHMENTS} bilagor per ansökan.", code="many")
        return Attachment.objects.create(
            application=current,
            name=(name or "bilaga.pdf")[:200],
            content=data,
            size=len(data),
            sha256=sha256(data),
        )


def attachment_remove(*, application: Application, attachment: Attachment) -> None:
    """Remove a file from an application that still takes changes, under the same lock."""
    with transaction.atomic():
        application_lock_for_edit(application)
        Attachment.objects.filter(pk=attachment.pk, application_id=application.pk).delete()


def edit_refusal(application: Application) -> str:
    """Why the application cannot change now (it is submitted, or the call no longer accepts)."""
    if application.status != Application.Status.DRAFT:
        return "Ansökan är redan inskickad och kan inte ändras."
    return deadline_refusal(application.call).messages[0]


def deadline_refusal(call: Call) -> ValidationError:
    return ValidationError(
        "Ansökningstiden har gått ut eller utlysningen är inte öppen. "
        "Ansökan kan inte längre ändras.",
        code="closed",
    )


def application_submit(*, application: Application) -> Application:
    """Draft → submitted, before the deadline only; matches the recipient; sends a receipt."""
    with transaction.atomic():
        # Lock the application: a double click must not submit (and mail a receipt) twice.
        application = (
            Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        )
        if application.status != Application.Status.DRAFT:
            raise ValidationError("Ansökan är redan inskickad.", code="submitted")
        if not application.call.accepts_applications():
            raise deadline_refusal(application.call)
        problems = application_problems(application)
        if problems:
            raise ValidationError([message for _, message in problems], code="incomplete")
        application.organisation_number = normalise_organisation_number(
            application.organisation_number
        )
        application.recipient = recipient_match(application)
        application.status = Application.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.save()
        # Queued with the submit: the receipt goes out once the submit has committed.
        _receipt_send(application)
    return application


def recipient_match(application: Application) -> Recipient | None:
    """The organisation's existing recipient with the same organisationsnummer, if any."""
    return (
        Recipient.objects.filter(
            organisation_id=application.call.agreement.organisation_id,
            organisation_number=application.organisation_number,
        )
        .order_by("pk")
        .first()
    )


def _receipt_send(application: Application) -> None:
    """Queue the receipt (funds/outbox.py): a mail server that is down delays it, never the
    submit; the page shows the receipt number too."""
    mail_enqueue(
        organisation=application.call.agreement.organisation,
        kind=MailDelivery.Kind.RECEIPT,
        object_id=application.pk,
        to=[application.applicant.email, application.contact_email],
        subject=f"Kvitto: ansökan {application.receipt_number} har kommit in",
        body=render_to_string(
            "calls/email_receipt.txt",
            {"application": application, "call": application.call},
        ),
    )


# --- Attachments ---------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Assessing -----------------------------------------------------------------------------


def assignments_set(*, call: Call, reviewers: list[User]) -> None:
    """The call's reviewers become exactly `reviewers`; one who has declared or scored stays."""
    keep = {user.pk for user in reviewers}
    with transaction.atomic():
        for user in reviewers:
            ReviewerAssignment.objects.get_or_create(call=call, reviewer=user)
        ReviewerAssignment.objects.filter(call=call).exclude(reviewer_id__in=keep).filter(
            declarations__isnull=True, reviews__isnull=True
        ).delete()


def conflict_declare(
    *, assignment: ReviewerAssignment, application: Application, has_conflict: bool, explanation
) -> ConflictDeclaration:
    declared = ValidationError("Jäv är redan anmält för den här ansökan.", code="declared")
    if ConflictDeclaration.objects.filter(assignment=assignment, application=application).exists():
        raise declared
    if has_conflict and not explanation.strip():
        raise ValidationError("Beskriv kort varför du är jävig.", code="explanation")
    try:
        # A double click passes the check above twice; the unique constraint keeps one.
        with transaction.atomic():
            return ConflictDeclaration.objects.create(
                assignment=assignment,
                application=application,
                has_conflict=has_conflict,
                explanation=explanation.strip(),
            )
    except IntegrityError:
        raise declared from None


def review_submit(
    *, assignment: ReviewerAssignment, application: Application, scores: dict[int, tuple]
) -> Review:
    """Save every criterion's score and justification at once; a submitted review is final."""
    with transaction.atomic():
        review, _ = Review.objects.select_for_update().get_or_create(
            assignment=assignment, application=application
        )
        if review.submitted_at is not None:
            raise ValidationError("Bedömningen är redan inskickad.", code="submitted")
        review.scores.all().delete()
        Score.objects.bulk_create(
            Score(review=review, criterion_id=criterion_id, score=score, justification=text)
            for criterion_id, (score, text) in scores.items()
        )
        review.submitted_at = timezone.now()
        review.save(update_fields=["submitted_at"])
    return review


# --- Proposing -----------------------------------------------------------------------------


def proposals_set(*, call: Call, amounts: dict[int, Decimal | None], user) -> None:
    """Set the coordinator's proposed amounts; refused as a whole if their sum exceeds the
    money available, or if `user` declared jäv for any of the call's applications."""
    with transaction.atomic():
        # Lock the call: two coordinators proposing at once would each check their own sum
        # against the stale other and together exceed the money available.
        call = Call.objects.select_for_update().get(pk=call.pk)
        _decider_check(call, user)
        if call.status == Call.Status.DECIDED:
            raise ValidationError("Utlysningen är redan beslutad.", code="decided")
        applications = {a.pk: a for a in call.applications.submitted()}
        for pk, amount in amounts.items():
            if pk not in applications:
                raise ValidationError("Okänd ansökan.", code="unknown")
            requested = applications[pk].amount_requested or ZERO
            if amount is not None and amount > requested:
                raise ValidationError(
                    f"{applications[pk]}: föreslaget belopp ({format_kr(amount)}) är större "
                    f"än det sökta ({format_kr(requested)}).",
                    code="over_requested",
                )
        total = ZERO
        for pk, application in applications.items():
            amount = amounts.get(pk, application.proposed_amount)
            total += amount or ZERO
        available = call_available(call)
        if total > available:
            raise ValidationError(
                f"De föreslagna beloppen blir sammanlagt {format_kr(total)}, men det finns "
                f"bara {format_kr(available)} att fördela. Inget sparades.",
                code="over_available",
            )
        for pk, amount in amounts.items():
            Application.objects.filter(pk=pk).update(proposed_amount=amount)


# --- Linking an account to a recipient ----------------------------------------------------


def applicant_link(*, application: Application, user) -> Membership:
    """The applicant's account becomes the reporter of the recipient the application's
    organisationsnummer matched: only by this explicit, audited step, never by the match."""
    with transaction.atomic():
        # Lock the application: two coordinators linking at once write one audit row each
        # only if both pass; the membership's unique constraint keeps one membership.
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("recipient", "applicant", "call")
            .get(pk=application.pk)
        )
        recipient = application.recipient
        if recipient is None:
            raise ValidationError("Ansökan har ingen mottagare att koppla till.", code="none")
        if application.pk in conflicted_ids(user, application.call):
            raise ValidationError(
                "Du har anmält jäv för ansökan. En annan samordnare måste koppla kontot.",
                code="conflict",
            )
        membership = (
            Membership.objects.select_for_update()
            .filter(user=application.applicant, organisation_id=recipient.organisation_id)
            .first()
        )
        if membership is None:
            membership = Membership(
                user=application.applicant, organisation_id=recipient.organisation_id
            )
        elif membership.role != Membership.Role.GRANTEE:
            raise ValidationError(
                f"Kontot har redan rollen {membership.get_role_display().lower()} i "
                f"organisationen. Ändra den under Användare.",
                code="member",
            )
        membership.role = Membership.Role.REPORTER
        membership.recipient = recipient
        membership.save()
        # A reporter sees every allocation of the recipient; the grant list is not needed.
        membership.granted_allocations.clear()
        AccountLink.objects.create(
            application=application,
            recipient=recipient,
            account=application.applicant,
            linked_by=user,
        )
    return membership


# --- Deciding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    application_id: int
    granted: bool
    amount: Decimal
    reason: str


def call_decide(
    *,
    call: Call,
    outcomes: list[Outcome],
    registry_number: str,
    decided_on,
    announced_on,
    decided_by: str,
    user,
) -> CallDecision:
    """Record the decision; grants become allocations (recipient matched or created, the
        audit row naming the application); each applicant granted money may report on that grant
    only (a grantee); letters are sent."""
    with transaction.atomic():
        # Lock the call: a second decision (another tab) must wait and then be refused.
        call = (
            Call.objects.select_for_update()
            .select_related("agreement__organisation", "priority_area")
            .get(pk=call.pk)
        )
        _decider_check(call, user)
        applications = _decidable_applications(call, outcomes)
        decision = CallDecision.objects.create(
            call=call,
            registry_number=registry_number,
            decided_on=decided_on,
            announced_on=announced_on,
            decided_by=decided_by,
            recorded_by=user,
        )
        for outcome in outcomes:
            _outcome_record(call, applications[outcome.application_id], outcome, user)
        call.status = Call.Status.DECIDED
        call.save(update_fields=["status"])
        # Rendered and queued before the commit: a letter that cannot be rendered
        # (PdfRenderError) rolls the decision back, and a committed decision has every
        # letter queued for the worker (funds/outbox.py), whatever happens to this process.
        for application in applications.values():
            decision_letter_send(application=application)
    return decision


def decider_refusal(call: Call, user) -> str:
    """Why `user` may not decide (or propose amounts for) the call: jäv binds coordinators as
    it binds reviewers, so another coordinator must. Empty when nothing stands in the way."""
    conflicted = (
        Application.objects.filter(
            conflict_declarations__assignment__call=call,
            conflict_declarations__assignment__reviewer=user,
            conflict_declarations__has_conflict=True,
        )
        .order_by("pk")
        .distinct()
    )
    names = ", ".join(str(application) for application in conflicted)
    if not names:
        return ""
    return (
        f"Du har anmält jäv för {names}. En annan samordnare måste föreslå belopp och "
        f"besluta om utlysningen."
    )


def _decider_check(call: Call, user) -> None:
    refusal = decider_refusal(call, user)
    if refusal:
        raise ValidationError(refusal, code="conflict")


def _decidable_applications(call: Call, outcomes: list[Outcome]) -> dict[int, Application]:
    """The call's submitted applications by pk; refused unless the call is closed and not
    decided, the outcomes cover exactly those applications and the grants fit the money."""
    if call.status == Call.Status.DECIDED:
        raise ValidationError("Utlysningen är redan beslutad.", code="decided")
    if call.accepts_applications():
        raise ValidationError(
            "Utlysningen är öppen för ansökningar. Stäng den innan beslut.", code="open"
        )
    applications = {a.pk: a for a in call.applications.submitted()}
    if {outcome.application_id for outcome in outcomes} != set(applications):
        raise ValidationError("Beslutet ska omfatta varje inskickad ansökan.", code="all")
    granted_total = sum((o.amount for o in outcomes if o.granted), ZERO)
    available = call_available(call)
    if granted_total > available:
        raise ValidationError(
            f"De beviljade beloppen blir sammanlagt {format_kr(granted_total)}, men det "
            f"finns bara {format_kr(available)} att fördela.",
            code="over_available",
        )
    return applications


def _outcome_record(call: Call, application: Application, outcome: Outcome, user) -> None:
    application.decision_reason = outcome.reason.strip()
    if outcome.granted:
        application.status = Application.Status.GRANTED
        application.granted_amount = outcome.amount
        application.recipient = _grant(call, application, outcome.amount, user)
    else:
        application.status = Application.Status.REJECTED
        application.granted_amount = None
    application.save(update_fields=["status", "granted_amount", "decision_reason", "recipient"])


def _grant(call: Call, application: Application, amount: Decimal, user) -> Recipient:
    organisation = call.agreement.organisation
    recipient = recipient_match(application)
    if recipient is None:
        name = application.organisation_name.strip()
        if Recipient.objects.filter(organisation=organisation, name=name).exists():
            name = f"{name} ({application.organisation_number})"
        recipient = Recipient.objects.create(
            organisation=organisation,
            name=name,
            kind=Recipient.Kind.ASSOCIATION,
            organisation_number=application.organisation_number,
        )
    current = Allocation.objects.filter(
        priority_area=call.priority_area, recipient=recipient
    ).first()
    allocation_set(
        area=call.priority_area,
        recipient=recipient,
        # A recipient that already has money in the area gets the grant on top of it.
        amount=(current.amount if current else ZERO) + amount,
        expected_version=current.version if current else 0,
        user=user,
        reason=f"Beslut om bidrag efter utlysningen {call.title}, ansökan "
        f"{application.receipt_number}",
        source=application.audit_source,
    )
    allocation = Allocation.objects.get(priority_area=call.priority_area, recipient=recipient)
    _grantee_add(application, allocation)
    return recipient


def _grantee_add(application: Application, allocation: Allocation) -> None:
    """The applicant may report on this grant and nothing else of the recipient: a matching
    organisationsnummer is public, so it proves nothing about who the applicant speaks for.
    A member with a role already keeps it; a coordinator links accounts explicitly."""
    membership, _ = Membership.objects.get_or_create(
        user=application.applicant,
        organisation_id=allocation.recipient.organisation_id,
        defaults={"role": Membership.Role.GRANTEE},
    )
    if membership.role == Membership.Role.GRANTEE:
        membership.granted_allocations.add(allocation)


def decision_letter_pdf(application: Application) -> bytes:
    from calls.letters import letter_pdf

    return letter_pdf(application)


def decision_letter_send(*, application: Application, pdf: bytes | None = None) -> DecisionLetter:
    """Render the letter once (unless `pdf` is it, already rendered), keep it, and queue it as
    an e-mail attachment; the worker records when it went out (decision_letter_sent)."""
    if pdf is None:
        pdf = decision_letter_pdf(application)
    with transaction.atomic():
        letter, _ = DecisionLetter.objects.update_or_create(
            application=application, defaults={"pdf": pdf, "sha256": sha256(pdf)}
        )
        mail_enqueue(
            organisation=application.call.agreement.organisation,
            kind=MailDelivery.Kind.DECISION_LETTER,
            object_id=application.pk,
            to=[application.contact_email or application.applicant.email],
            subject=f"Beslut om er ansökan: {application.call.title}",
            body=render_to_string("calls/email_decision.txt", {"application": application}),
            attachment=(f"beslut-{application.receipt_number}.pdf", pdf, "application/pdf"),
        )
    return letter


@receiver(mail_sent)
def decision_letter_sent(sender, delivery: MailDelivery, **kwargs) -> None:
    """The letter's own record of where and when it went out, set when the mail is sent."""
    if delivery.kind == MailDelivery.Kind.DECISION_LETTER:
        DecisionLetter.objects.filter(application_id=delivery.object_id).update(
            sent_to=delivery.to, sent_at=delivery.sent_at
        )
