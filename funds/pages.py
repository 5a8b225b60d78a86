"""What many funds pages share: a form whose valid post runs one workflow (a state change), the
confirmation page of every status change of a year, and an upload that is previewed before it
is saved (its parsed rows wait in the session)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

# A TypeVar, not PEP 695 syntax: scripts/code_shape.py parses the code with Python 3.11.
T = TypeVar("T")

PREVIEW_EXPIRED = (
    "Förhandsgranskningen har gått ut eller gäller en annan fil. Inget sparades. "
    "Ladda upp filen igen."
)


def workflow_post(  # noqa: UP047
    request: HttpRequest, form: forms.Form, workflow: Callable[[dict], T]
) -> T | None:
    """Run `workflow(form.cleaned_data)` when the form is posted and valid, and return what it
    returns (the object it changed). A refusal (ValidationError) becomes the form's error and
    None, as does an invalid form or a GET: the page then renders the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return workflow(form.cleaned_data)
    except ValidationError as refused:
        form.add_error(None, refused)
        return None


def workflow_run(workflow: Callable[[], T]) -> tuple[T | None, str]:  # noqa: UP047
    """Run one workflow: (its result, "") when done, (None, why) when it refused with a
    ValidationError, for pages that show the refusal above the form."""
    try:
        return workflow(), ""
    except ValidationError as refused:
        return None, " ".join(refused.messages)


def status_change_page(
    request: HttpRequest, *, plan, form: forms.Form, workflow: Callable[[dict], object], done: str
) -> HttpResponse:
    """The confirmation page of a status change of a year (funds/year/status.py): a GET shows
    what the change does and what stands in its way and changes nothing; a valid POST of the
    page's form runs `workflow` and returns to the matrix with `done` as the message."""
    agreement = plan.agreement
    code, year = agreement.organisation.code, agreement.year
    if workflow_post(request, form, workflow) is not None:
        messages.success(request, done)
        return redirect("allocation_matrix", code=code, year=year)
    trail = agreement.status_changes.select_related("changed_by")
    return render(
        request,
        "funds/status_change.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "plan": plan,
            "form": form,
            "trail": trail,
        },
        status=422 if form.errors else 200,
    )


class PendingPreview:
    """A previewed upload waiting for its save: the parsed rows and what the preview was made
    from, in the session under a token that the preview's "Spara" posts back. The save uses
    exactly what was previewed, parsed once; one upload per key and session."""

    def __init__(self, request: HttpRequest, key: str) -> None:
        self.request = request
        self.key = key

    def keep(self, **data) -> str:
        """Remember a new preview (replacing any earlier one); returns its token."""
        token = secrets.token_urlsafe(24)
        self.request.session[self.key] = {"token": token, **data}
        return token

    def posted(self) -> dict | None:
        """The preview the posted token names, or None when it expired or is another one."""
        pending = self.request.session.get(self.key)
        if not pending or self.request.POST.get("token") != pending.get("token"):
            return None
        return pending

    def update(self, **data) -> None:
        self.request.session[self.key].update(data)
        self.request.session.modified = True

    def forget(self) -> None:
        del self.request.session[self.key]
