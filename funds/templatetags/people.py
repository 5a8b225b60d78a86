"""Template filters that name people as users read them."""

from django import template

register = template.Library()


@register.filter
def display_name(user) -> str:
    """A user's full name, else the username; "–" when nobody is recorded (e.g. an import)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username
