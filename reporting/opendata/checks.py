"""A deploy check: the open-data catalogue needs the site's address and a contact e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def open_data_settings(app_configs, **kwargs) -> list[Warning]:
    """The catalogue's IRIs are built from SITE_URL and its contact point needs an e-mail."""
    warnings = []
    if not settings.SITE_URL.startswith(("https://", "http://")):
        warnings.append(
            Warning(
                "DJANGO_SITE_URL is not set: the open-data catalogue and CSVW files need the "
                "site's absolute address.",
                id="reporting.W001",
            )
        )
    if not settings.OPEN_DATA_CONTACT_EMAIL.strip():
        warnings.append(
            Warning(
                "DJANGO_OPEN_DATA_CONTACT_EMAIL is not set: the open-data catalogue has no "
                "contact e-mail (dcat:contactPoint).",
                id="reporting.W002",
            )
        )
    return warnings
