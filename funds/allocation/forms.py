"""Forms of the allocation pages: the matrix's view controls, the decided-year reason and a
comment; the Excel upload and its save; starting a year from the last."""

from __future__ import annotations

from django import forms

from funds.allocation.matrix import SORTS
from funds.allocation.rollover import default_mapping
from funds.allocation.upload import check_upload, read_import_rows
from funds.allocation.workflows import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH
from funds.models import Agreement, PriorityArea, Recipient
from funds.xlsx import XLSX_CONTENT_TYPE, ImportFileError


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


class UploadedSheet:
    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data
        self.rows = read_import_rows(data)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel-fil (.xlsx)",
        help_text="Högst 2 MB och 5000 rader. Använd bladet Import i den nedladdade filen.",
        error_messages={
            "required": "Välj en Excel-fil att ladda upp.",
            "empty": "Filen är tom.",
            "invalid": "Ingen fil skickades. Välj filen igen.",
        },
        widget=forms.FileInput(
            attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}", "aria-describedby": "id_file_helptext"}
        ),
    )

    def clean_file(self) -> UploadedSheet:
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.size)
            return UploadedSheet(upload.name, upload.read())
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None


class ImportSaveForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    reason = forms.CharField(
        label="Skäl till ändringarna",
        max_length=500,
        required=False,
        help_text="Sparas i ändringshistoriken för varje belopp som ändras.",
        widget=forms.TextInput(attrs={"aria-describedby": "id_reason_helptext"}),
    )

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agreement.changes_need_reason:
            self.fields["reason"].required = True
            self.fields["reason"].label = "Skäl till ändringarna (krävs, året är beslutat)"
            self.fields["reason"].error_messages["required"] = (
                "Året är beslutat: ange ett skäl till ändringarna."
            )


class RolloverForm(forms.Form):
    scale = forms.BooleanField(
        label="Skala om till nya tilldelade belopp",
        required=False,
        help_text=(
            "Beloppen inom varje nytt område räknas om i proportion så att de tillsammans blir "
            "exakt områdets tilldelade belopp, på öret."
        ),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_scale_helptext"}),
    )

    def __init__(
        self,
        *args,
        previous_areas: list[PriorityArea],
        current_areas: list[PriorityArea],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Ingen – förs inte över")]
        choices += [(str(area.pk), f"{area.number}. {area.name}") for area in current_areas]
        initial = default_mapping(previous_areas, current_areas)
        self.area_fields = []
        for area in previous_areas:
            name = f"area_{area.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{area.number}. {area.name}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=initial[area.pk] or "",
            )
            self.area_fields.append((area, self[name]))
        self.order_fields([name for name in self.fields if name != "scale"] + ["scale"])

    def mapping(self) -> dict[int, int | None]:
        return {area.pk: self.cleaned_data[f"area_{area.pk}"] for area, _ in self.area_fields}
