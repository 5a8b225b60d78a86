"""`manage.py load_demo_plans`: the Inriktning 2024–2026 for Stockholms stad (0180), linked
to the 2023 demo money. Idempotent; run `load_demo` first."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plans.demo import PlanDemoError, plan_demo_link_funds, plan_demo_load

ORGANISATION_CODE = "0180"


class Command(BaseCommand):
    help = (
        "Läser in Inriktning för psykisk hälsa och suicidprevention 2024–2026 som Stockholms "
        "stads gällande handlingsplan och kopplar demons insatser 2023 till dess prioriterade "
        "områden. Kan köras flera gånger; kör load_demo först."
    )

    def handle(self, *args, **options) -> None:
        # Organisations live in funds; plans reaches them through the app registry.
        organisation_model = apps.get_model("funds", "Organisation")
        organisation = organisation_model.objects.filter(code=ORGANISATION_CODE).first()
        if organisation is None:
            raise CommandError(
                f"Organisationen {ORGANISATION_CODE} finns inte. Kör `manage.py load_demo` först."
            )
        try:
            summary = plan_demo_load(organisation)
            linked = plan_demo_link_funds(organisation, summary.plan)
        except (PlanDemoError, ValidationError) as error:
            raise CommandError(f"Handlingsplanen kunde inte läsas in: {error}") from error
        if summary.created or summary.updated:
            changes = f"Skapade: {summary.created}, uppdaterade: {summary.updated}."
        else:
            changes = "Inget ändrades: planen fanns redan."
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.plan.title} för {organisation} är inläst. {changes} "
                f"{linked} insatser från 2023 är kopplade till planens prioriteringar (demo)."
            )
        )
