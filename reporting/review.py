"""Review of prose carried over from last year's document.

A new year's first draft starts from last year's prose, but text written for last year is
rarely true for this one (years, figures, areas). Every carried section is therefore marked
"carried" with the digest of the text as it came; it blocks issuing until an editor either
confirms it (a checkbox in the editor) or rewrites it (the text no longer matches the
digest). The state lives in `DecisionDocument.section_review`.
"""

from __future__ import annotations

import hashlib

from reporting.models import PROSE_FIELDS, DecisionDocument

CARRIED = "carried"
CONFIRMED = "confirmed"
REWRITTEN = "rewritten"


def text_digest(text: str) -> str:
    normalised = (text or "").replace("\r\n", "\n").strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def review_carry(document: DecisionDocument, previous: DecisionDocument) -> None:
    """Copy last year's prose onto an unsaved draft and mark every non-empty section."""
    review = {}
    for name in PROSE_FIELDS:
        text = getattr(previous, name)
        setattr(document, name, text)
        if text.strip():
            review[name] = {"state": CARRIED, "digest": text_digest(text)}
    document.carried_from_year = previous.year
    document.section_review = review


def review_state(document: DecisionDocument, name: str) -> str | None:
    entry = (document.section_review or {}).get(name)
    return entry.get("state") if isinstance(entry, dict) else None


def review_update(document: DecisionDocument, confirmed: set[str]) -> None:
    """After the form's values are set: rewritten when the text changed, confirmed when the
    editor ticked it, otherwise still carried."""
    review = dict(document.section_review or {})
    for name, entry in review.items():
        if not isinstance(entry, dict) or name not in PROSE_FIELDS:
            continue
        if text_digest(getattr(document, name)) != entry.get("digest"):
            state = REWRITTEN
        elif name in confirmed:
            state = CONFIRMED
        else:
            state = CARRIED
        review[name] = {**entry, "state": state}
    document.section_review = review


def unreviewed_sections(document: DecisionDocument) -> list[str]:
    """The carried sections that are neither confirmed nor rewritten, in document order."""
    return [
        name
        for name in PROSE_FIELDS
        if review_state(document, name) == CARRIED
        and text_digest(getattr(document, name))
        == (document.section_review or {})[name].get("digest")
    ]
