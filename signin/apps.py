"""The signin app's configuration."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def _stamp_session(sender, request, user, **kwargs) -> None:
    # Signing in saves the session anyway: stamp it, so the next request need not save it
    # again only to slide its expiry (signin.middleware.SessionIdleMiddleware).
    from signin.middleware import session_stamp

    if request is not None and hasattr(request, "session"):
        session_stamp(request.session)


class SigninConfig(AppConfig):
    name = "signin"
    verbose_name = "Inloggning"

    def ready(self) -> None:
        user_logged_in.connect(_stamp_session, dispatch_uid="signin_stamp_session")
