"""python manage.py start_year --organisation 0180 --year 2025 [--from 2024] [--total "32,3 mnkr"]

Creates the new year's draft agreement from an earlier year (funds/year/start.py); with
--dry-run, shows what would carry over and what needs attention, and writes nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from funds.models import Organisation
from funds.money import format_kr, parse_amount
from funds.year.start import YearStartPlan, year_start, year_start_plan


class Command(BaseCommand):
    help = "Startar ett nytt år (utkast) från ett tidigare års prioriterade områden."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", required=True, help="Organisationens kod, t.ex. 0180")
        parser.add_argument("--year", type=int, required=True, help="Det nya året")
        parser.add_argument("--from", dest="from_year", type=int, help="Året att utgå från")
        parser.add_argument("--total", help='Nytt tilldelat belopp totalt, t.ex. "32,3 mnkr"')
        parser.add_argument("--user", help="Användarnamn som står i ändringshistoriken")
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle skapas, ändra inget"
        )

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Det finns ingen organisation med kod {options['organisation']}.")
        total = None
        if options["total"]:
            try:
                total = parse_amount(options["total"])
            except ValidationError as error:
                raise CommandError(f"--total: {error.messages[0]}") from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Det finns ingen användare {options['user']}.")
        arguments = {
            "organisation": organisation,
            "year": options["year"],
            "from_year": options["from_year"],
            "total": total,
        }
        if options["dry_run"]:
            plan = year_start_plan(**arguments)
            if plan.refusal:
                raise CommandError(plan.refusal)
            self._show(plan)
            self.stdout.write("Provkörning: inget sparades.")
            return
        try:
            agreement, plan = year_start(**arguments, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._show(plan)
        self.stdout.write(
            self.style.SUCCESS(
                f"{organisation} {agreement.year} är skapat som utkast med "
                f"{len(plan.areas)} prioriterade områden."
            )
        )

    def _show(self, plan: YearStartPlan) -> None:
        write = self.stdout.write
        write(f"{plan.organisation} {plan.year}, utgår från {plan.source.year}: {plan.title}")
        for area in plan.areas:
            national = str(area.national_area) if area.national_area else "EJ KOPPLAT"
            if area.own_priority_reason:
                national = "egen prioritering"
            write(f"  {area.number}. {area.name}: {format_kr(area.granted)} – {national}")
        for proposal in plan.partnerships:
            write(
                f"  IOP {proposal.partnership.recipient.name}: {format_kr(proposal.amount)} "
                f"i {proposal.area_number}. {proposal.area_name}"
            )
        write(f"Enkätkategorier: {plan.categories}")
        for line in plan.attention:
            write(f"Att åtgärda: {line}")
