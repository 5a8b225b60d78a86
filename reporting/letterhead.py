"""The letterhead: the organisation's name and logo, for every document and letter it sends.

`templates/reporting/_letterhead.html` renders it; give it `letterhead_context(...)`. In a
PDF the logo is fetched from `logo_resources(organisation)` (passed to
`reporting.pdf.render_pdf(..., resources=...)`), never from the disk or the network; in the
browser it comes from the access-checked `organisation_logo` view. The logo itself is
checked when it is uploaded (reporting/logos.py).
"""

from __future__ import annotations

from django.urls import reverse

from funds.models import Organisation

LOGO_PATH = "/resource/logo"


def has_logo(organisation: Organisation) -> bool:
    return bool(organisation.logo) and bool(organisation.logo_content_type)


def logo_resources(organisation: Organisation) -> dict[str, tuple[bytes, str]]:
    """What render_pdf may serve for the letterhead: the logo's bytes under LOGO_PATH."""
    if not has_logo(organisation):
        return {}
    return {LOGO_PATH: (bytes(organisation.logo), organisation.logo_content_type)}


def logo_url(organisation: Organisation, *, pdf: bool) -> str:
    """Where the letterhead's <img> finds the logo: the PDF resource or the browser view."""
    if not has_logo(organisation):
        return ""
    if pdf:
        return LOGO_PATH
    return reverse("organisation_logo", args=[organisation.code])


def letterhead_context(
    organisation: Organisation,
    *,
    pdf: bool,
    administration: str = "",
    department: str = "",
    with_address: bool = False,
) -> dict:
    """The context `reporting/_letterhead.html` needs (as `letterhead`). A letter names the
    sender's address in its head (`with_address`); the tjänsteutlåtande has it in the
    footer instead."""
    return {
        "name": organisation.name,
        "logo_url": logo_url(organisation, pdf=pdf),
        "administration": administration or organisation.administration,
        "department": department,
        "address": organisation.address if with_address else "",
    }
