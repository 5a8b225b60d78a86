"""The login page says "Du är utloggad" after a logout, whichever way the user logged out
(the logout view, or a single sign-on logout that calls django.contrib.auth.logout)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver


@receiver(user_logged_out, dispatch_uid="funds.onboarding.logged_out_message")
def logged_out_message(sender, request, user, **kwargs) -> None:
    # The session is flushed right after this signal; the message travels in the messages
    # cookie (FallbackStorage tries the cookie first), so it survives to the login page.
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, "Du är utloggad.")
