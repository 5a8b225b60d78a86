"""Template filters that name people as users read them."""

from django import template

register = template.Library()


@register.filter
def display_name(user) -> str:
    """A user's full name, else the username; "–" when nobody is recorded (e.g. an import)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username


@register.filter
def administers(role: str) -> bool:
    """Whether a member of this role administers their organisation (its members, settings
    and sent mail): settings.ORGANISATION_ADMIN_ROLES."""
    from funds.access import organisation_admin_roles

    return role in organisation_admin_roles()
