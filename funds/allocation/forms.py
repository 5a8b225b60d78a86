"""Forms of the allocation matrix page: its view controls, the decided-year reason, a comment."""

from __future__ import annotations

from django import forms

from funds.allocation.matrix import SORTS
from funds.allocation.workflows import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from funds.models import Recipient


class MatrixViewForm(forms.Form):
    """Sort and filter the rows (GET, so it works without JavaScript and can be linked)."""

    ordning = forms.ChoiceField(label="Sortera", choices=list(SORTS.items()), required=False)
    typ = forms.ChoiceField(
        label="Visa mottagartyp",
        choices=[("", "Alla mottagartyper"), *Recipient.Kind.choices],
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Skäl till ändringar",
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=(
            f"Året är beslutat, så varje ändring behöver ett skäl. Skälet gäller alla ändringar "
            f"du gör tills du loggar ut eller ändrar det. Högst {REASON_MAX_LENGTH} tecken."
        ),
        error_messages={
            "max_length": "Skälet får vara högst %(limit_value)d tecken (nu %(show_value)d)."
        },
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Kommentar",
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Töm fältet för att ta bort kommentaren. Högst {COMMENT_MAX_LENGTH} tecken.",
        error_messages={
            "max_length": "Kommentaren får vara högst %(limit_value)d tecken (nu %(show_value)d)."
        },
    )
