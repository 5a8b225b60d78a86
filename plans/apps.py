"""The plans app's configuration."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Handlingsplaner"
