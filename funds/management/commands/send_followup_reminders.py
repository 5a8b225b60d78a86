"""`manage.py send_followup_reminders`: e-mail reporters before and after the deadline.

Safe to run from cron every day: each reminder (allocation, kind) is sent at most once.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from funds.followup.reminders import follow_up_reminders_send

MAX_DAYS = 365


class Command(BaseCommand):
    help = (
        "Skickar påminnelser till rapportörer om redovisningar som inte är inskickade: "
        "N dagar före sista dag och efter den. Samma påminnelse skickas aldrig två gånger."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            default="14",
            help="Hur många dagar före sista dag den första påminnelsen skickas (standard 14).",
        )
        parser.add_argument(
            "--today",
            default=None,
            help="Dagens datum som ÅÅÅÅ-MM-DD (för test och omkörning; standard: i dag).",
        )

    def handle(self, *args, days: str, today: str | None, **options) -> None:
        try:
            days_before = int(days)
        except ValueError:
            raise CommandError(f"--days ska vara ett heltal, fick {days!r}.") from None
        if not 0 <= days_before <= MAX_DAYS:
            raise CommandError(f"--days ska vara mellan 0 och {MAX_DAYS}, fick {days_before}.")
        if today is None:
            day = timezone.localdate()
        else:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    f"--today ska vara ett datum som ÅÅÅÅ-MM-DD, fick {today!r}."
                ) from None
        run = follow_up_reminders_send(today=day, days=days_before)
        self.stdout.write(
            f"{run.emails} e-postmeddelanden köade om {run.reminders} redovisningar "
            "(arbetsprocessen skickar dem; läget syns under Utskick)."
        )
        for allocation in run.without_reporter:
            self.stderr.write(f"Ingen rapportör med e-postadress för {allocation}.")
