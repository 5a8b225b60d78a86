"""Mails through the task queue: queue one with the change it announces, send it once, retry.

`mail_enqueue` must be called inside the transaction of the change: the MailDelivery row and
the task row (django-tasks-db keeps tasks in the same database) commit or roll back with it,
so a decision is never committed without its letters queued, nor a letter sent for a
decision that was rolled back. The worker's `mail_deliver` locks the row and sends only a
queued mail, so a task run twice (a re-queued one after a killed worker) sends once.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.dispatch import Signal
from django.tasks import task, task_backends
from django.utils import timezone

from funds.models import MailDelivery, Organisation

logger = logging.getLogger(__name__)

# Sent after a mail went out, inside the transaction that marks it sent (letters record it).
mail_sent = Signal()


def mail_enqueue(
    *,
    organisation: Organisation,
    kind: str,
    to: list[str],
    subject: str,
    body: str,
    object_id: int | None = None,
    attachment: tuple[str, bytes, str] | None = None,
) -> MailDelivery:
    """Queue one mail (with at most one attachment: name, bytes, content type)."""
    name, data, content_type = attachment or ("", None, "")
    delivery = MailDelivery.objects.create(
        organisation=organisation,
        kind=kind,
        object_id=object_id,
        to=",".join(sorted(set(to) - {""})),
        subject=subject[:300],
        body=body,
        attachment_name=name,
        attachment=data,
        attachment_type=content_type,
        next_attempt_at=timezone.now(),
    )
    _enqueue(delivery.pk)
    return delivery


def _enqueue(delivery_id: int, run_after: datetime.datetime | None = None) -> None:
    if run_after is None:
        mail_deliver.enqueue(delivery_id)
    else:
        mail_deliver.using(run_after=run_after).enqueue(delivery_id)


def _can_defer() -> bool:
    return task_backends[mail_deliver.backend].supports_defer


@task()
def mail_deliver(delivery_id: int) -> str:
    """The worker's task: send one queued mail, or record why not and try again later."""
    with transaction.atomic():
        # The lock makes a second run of the same task wait, then find the mail sent.
        delivery = MailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state != MailDelivery.State.QUEUED:
            return "skipped"
        delivery.attempts += 1
        try:
            _message(delivery).send()
        except Exception as error:
            _failed(delivery, error)
            return delivery.state
        delivery.state = MailDelivery.State.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.next_attempt_at = None
        delivery.save(
            update_fields=["state", "sent_at", "attempts", "last_error", "next_attempt_at"]
        )
        mail_sent.send(sender=MailDelivery, delivery=delivery)
    return delivery.state


def _message(delivery: MailDelivery) -> EmailMessage:
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        to=delivery.recipients(),
        # The same Message-ID on every attempt: a receiving server can recognise a repeat.
        headers={"Message-ID": f"<utskick-{delivery.pk}@{_domain()}>"},
    )
    if delivery.attachment is not None:
        message.attach(
            delivery.attachment_name, bytes(delivery.attachment), delivery.attachment_type
        )
    return message


def _domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    return address.rpartition("@")[2].strip(">") or "localhost"


def _failed(delivery: MailDelivery, error: Exception) -> None:
    logger.warning("Utskick %s kunde inte skickas: %s", delivery.pk, error)
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts >= settings.MAIL_MAX_ATTEMPTS or not _can_defer():
        delivery.state = MailDelivery.State.FAILED
        delivery.next_attempt_at = None
    else:
        wait = settings.MAIL_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=wait)
        _enqueue(delivery.pk, run_after=delivery.next_attempt_at)
    delivery.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])


def mail_resend(*, delivery: MailDelivery) -> bool:
    """ "Skicka igen": a failed (or still queued) mail is queued again now, with fresh attempts;
    False for a sent one, which is not: the coordinator would be mailing it twice."""
    with transaction.atomic():
        delivery = MailDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.state == MailDelivery.State.SENT:
            return False
        delivery.state = MailDelivery.State.QUEUED
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
        _enqueue(delivery.pk)
    return True


def mail_requeue_due() -> int:
    """Queue a task again for every queued mail whose attempt is due. Run when a worker
    starts: a worker killed while sending leaves its task marked running and the mail still
    queued (its transaction rolled back). A duplicate task is harmless (see mail_deliver)."""
    due = list(
        MailDelivery.objects.filter(
            state=MailDelivery.State.QUEUED, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    for delivery_id in due:
        with transaction.atomic():
            _enqueue(delivery_id)
    return len(due)
