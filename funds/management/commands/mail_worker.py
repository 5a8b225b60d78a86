"""The task worker for mails and letters: django-tasks-db's db_worker, after re-queuing mails
left behind by a worker that was killed while sending."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from funds.outbox import mail_requeue_due


class Command(DbWorkerCommand):
    help = "Skickar köade mejl och brev (django-tasks-db:s db_worker, se docs/operations.md)."

    def handle(self, *args, **options) -> None:
        count = mail_requeue_due()
        if count:
            self.stderr.write(f"{count} köade utskick fick en ny uppgift.")
        super().handle(*args, **options)
