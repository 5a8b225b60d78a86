"""Saving an IOP (idéburet offentligt partnerskap): a new one is made once, however often the
form is posted."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from funds.models import Organisation, Partnership

# What makes two partnerships the same agreement: the association, the area and the years.
IDENTITY = ("recipient", "national_area", "area_description", "first_year", "last_year")


@dataclass(frozen=True)
class PartnershipSaved:
    partnership: Partnership
    existed: bool  # an identical partnership was already registered; nothing new was saved


def partnership_save(form) -> PartnershipSaved:
    """Save a valid PartnershipForm. A new partnership identical to a registered one (a
    double-clicked "Spara", or the same agreement entered twice) is not saved again: starting
    a year would otherwise propose its amount twice. New ones are checked and made under the
    organisation's row lock, so two requests at once cannot both find none."""
    if form.instance.pk:
        return PartnershipSaved(form.save(), existed=False)
    organisation = form.instance.organisation
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        same = {name: form.cleaned_data.get(name) for name in IDENTITY}
        found = Partnership.objects.filter(organisation=organisation, **same).first()
        if found is not None:
            return PartnershipSaved(found, existed=True)
        return PartnershipSaved(form.save(), existed=False)
