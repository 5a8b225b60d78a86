"""A member's consent to its county's länssamordnare (CountyGrant): given and revoked by the
member's own administrators or coordinators, on a confirmation page, and kept as a record.

The grant rule: a länssamordnare (Membership.Role.COUNTY_COORDINATOR in the county
partnership "L" + länskod) sees the county's analysis built from public years (decided, in
follow-up, closed) of every member; for a member with a grant in force it also sees that
member's years before they are public (drafts). Nothing else is widened: the grant reaches
only the analysis's sums, and only the partnership of the member's own county.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from funds.models import CountyGrant, Membership, Organisation


def county_partnership_for(organisation: Organisation) -> Organisation | None:
    """The county partnership of the organisation's county (L + the first two digits of its
    kommunkod, or of a region's länskod), if it uses the installation."""
    if organisation.kind == Organisation.Kind.COUNTY_PARTNERSHIP:
        return None
    return Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY_PARTNERSHIP, code=f"L{organisation.code[:2]}"
    ).first()


def grant_in_force(organisation: Organisation, partnership: Organisation) -> CountyGrant | None:
    return (
        CountyGrant.objects.select_related("granted_by")
        .filter(organisation=organisation, partnership=partnership, revoked_at__isnull=True)
        .first()
    )


def county_grant_give(
    *, organisation: Organisation, partnership: Organisation, user
) -> CountyGrant:
    """Give the county's länssamordnare the member's years before they are public."""
    if county_partnership_for(organisation) != partnership:
        raise ValidationError("Organisationen hör inte till det länet.", code="county")
    with transaction.atomic():
        # The member's row is locked so two coordinators who confirm at once give one grant;
        # the partial unique constraint is the last word if anything bypasses this.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if grant_in_force(organisation, partnership):
            raise ValidationError("Länets samordnare har redan ett medgivande.", code="exists")
        return CountyGrant.objects.create(
            organisation=organisation, partnership=partnership, granted_by=user
        )


def county_grant_revoke(*, organisation: Organisation, partnership: Organisation, user) -> None:
    """End the grant in force; the row stays as the record of it."""
    with transaction.atomic():
        grant = (
            CountyGrant.objects.select_for_update()
            .filter(organisation=organisation, partnership=partnership, revoked_at__isnull=True)
            .first()
        )
        if grant is None:
            raise ValidationError("Det finns inget medgivande att återkalla.", code="none")
        grant.revoked_at = timezone.now()
        grant.revoked_by = user
        grant.save(update_fields=["revoked_at", "revoked_by"])


def county_coordinator_partnership(user, county: str) -> Organisation | None:
    """The county partnership of `county` where `user` is länssamordnare, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = (
        Membership.objects.select_related("organisation")
        .filter(
            user=user,
            role=Membership.Role.COUNTY_COORDINATOR,
            organisation__kind=Organisation.Kind.COUNTY_PARTNERSHIP,
            organisation__code=f"L{county}",
        )
        .first()
    )
    return membership.organisation if membership else None


def granted_organisation_ids(partnership: Organisation) -> set[int]:
    return set(
        CountyGrant.objects.filter(partnership=partnership, revoked_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
