"""Sessions that end after SESSION_IDLE_MINUTES without a request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESHED_KEY = "signin_refreshed"


def session_stamp(session) -> None:
    """Mark the session as saved now; a changed key makes SessionMiddleware save it, with
    an expiry SESSION_COOKIE_AGE from now."""
    session[REFRESHED_KEY] = int(time.time())


class SessionIdleMiddleware:
    """Slides a signed-in session's expiry forward while it is used.

    A session expires SESSION_COOKIE_AGE seconds after it was last saved. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) would cost a database write per request, so it is
    saved when a twelfth of the idle time has passed since the last save: five minutes for an
    hour. A session so ends between 55 and 60 minutes after its last request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            refreshed = request.session.get(REFRESHED_KEY, 0)
            if time.time() - refreshed >= settings.SESSION_COOKIE_AGE // 12:
                session_stamp(request.session)
        return self.get_response(request)
