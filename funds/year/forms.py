"""Forms of the year set-up pages: areas and their mapping, starting a year, IOP
partnerships, plan priorities of an allocation, and national reference data."""

from __future__ import annotations

from django import forms

from funds.models import (
    Agreement,
    NationalArea,
    NationalAreaFunding,
    Organisation,
    Partnership,
    PriorityArea,
    Recipient,
    SurveyCategory,
)
from funds.money import parse_amount
from funds.year.areas import AreaInput

OWN = "own"
AWAITING = "awaiting-"


def _amount(value: str, *, required: bool = True):
    value = (value or "").strip()
    if not value:
        if required:
            raise forms.ValidationError("Ange ett belopp, till exempel 9 400 000 eller 9,4 mnkr.")
        return None
    try:
        return parse_amount(value)
    except forms.ValidationError as error:
        raise forms.ValidationError(error.messages[0]) from None


def national_label(area: NationalArea, kind: str) -> str:
    funding = area.funding_for(kind)
    route = funding.get_route_display() if funding else "ingen medelstilldelning"
    return f"{area.number}. {area.short_name} ({route})"


def national_warning(area: NationalArea, kind: str) -> str:
    """Why money under `area` does not reach an organisation of `kind` as its own, with the
    route it takes instead; "" when it does. Uses prefetched `fundings` when present."""
    funding = area.funding_for(kind)
    own = {
        Organisation.Kind.MUNICIPALITY: NationalAreaFunding.Huvudman.MUNICIPALITIES,
        Organisation.Kind.REGION: NationalAreaFunding.Huvudman.REGIONS,
        Organisation.Kind.COUNTY_PARTNERSHIP: NationalAreaFunding.Huvudman.COUNTY,
    }[kind]
    if funding is not None and funding.huvudman == own:
        return ""
    whom = own.label.lower()
    name = f"{area.number}. {area.short_name}"
    if funding is None:
        return f"{name} ger inga medel till {whom} och har ingen uppföljning för dem."
    return (
        f"{name} ger inga medel direkt till {whom}: medlen är länsgemensamma och följs upp "
        f"genom {funding.get_route_display().lower()}."
    )


class AreaForm(forms.Form):
    number = forms.IntegerField(label="Nummer", min_value=1, max_value=99)
    name = forms.CharField(label="Namn", max_length=300)
    description = forms.CharField(
        label="Beskrivning",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    granted = forms.CharField(
        label="Tilldelat belopp",
        max_length=40,
        help_text="I kronor, till exempel 9 412 345 eller 9,4 mnkr.",
    )
    national = forms.ChoiceField(
        label="Nationellt område",
        required=False,
        help_text="Det område i statens överenskommelse som medlen hör till.",
    )
    own_priority_reason = forms.CharField(
        label="Skäl till egen prioritering",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Krävs när området är en egen prioritering.",
    )
    previous_area = forms.TypedChoiceField(
        label="Föregående års område",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Det område som det här området fortsätter; används när åren jämförs.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        agreement: Agreement,
        national_areas: list[NationalArea],
        previous_areas: list[PriorityArea],
        full: bool,
        awaiting_choices: list[NationalArea] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        kind = agreement.organisation.kind
        self.national_areas = {str(area.pk): area for area in national_areas}
        self.awaiting = {f"{AWAITING}{area.pk}": area for area in awaiting_choices}
        self.fields["national"].choices = [
            ("", "Välj nationellt område"),
            *[(str(area.pk), national_label(area, kind)) for area in national_areas],
            (OWN, "Egen prioritering"),
            *[
                (
                    key,
                    f"Nationellt område ej fastställt – väntar på efterföljaren till "
                    f"{area.national_agreement.year}: {area.number}. {area.short_name}",
                )
                for key, area in self.awaiting.items()
            ],
        ]
        warnings = [national_warning(area, kind) for area in national_areas]
        if any(warnings):
            self.fields["national"].help_text += " Obs: " + " ".join(w for w in warnings if w)
        if awaiting_choices:
            self.fields["national"].help_text += (
                f" Staten har inte lagt fast områdena för {agreement.year} än: välj ”ej "
                "fastställt” med det område som väntas fortsätta, så föreslås kopplingen när "
                "statens data kommer."
            )
        self.previous_areas = {area.pk: area for area in previous_areas}
        self.fields["previous_area"].choices = [("", "Inget – nytt område")] + [
            (area.pk, f"{area.agreement.year}: {area.number}. {area.name}")
            for area in previous_areas
        ]
        if not full:
            for name in ("number", "name", "description", "granted"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, area: PriorityArea) -> dict:
        from funds.money import format_amount_input

        national = str(area.national_area_id) if area.national_area_id else ""
        if not national and area.own_priority_reason:
            national = OWN
        if area.awaiting_successor_of_id:
            national = f"{AWAITING}{area.awaiting_successor_of_id}"
        return {
            "number": area.number,
            "name": area.name,
            "description": area.description,
            "granted": format_amount_input(area.granted),
            "national": national,
            "own_priority_reason": area.own_priority_reason,
            "previous_area": area.previous_area_id,
            "version": area.version,
        }

    def clean_granted(self):
        return _amount(self.cleaned_data["granted"])

    def clean(self) -> dict:
        data = super().clean()
        national = data.get("national")
        reason = (data.get("own_priority_reason") or "").strip()
        if national == OWN and not reason:
            self.add_error("own_priority_reason", "Ange varför området är en egen prioritering.")
        if national and national != OWN and reason:
            self.add_error(
                "own_priority_reason",
                "Ett område med nationellt område har inget skäl till egen prioritering; töm "
                "fältet eller välj Egen prioritering.",
            )
        previous = data.get("previous_area")
        if previous is not None and previous not in self.previous_areas:
            self.add_error("previous_area", "Välj ett av områdena i listan.")
        return data

    def area_input(self) -> AreaInput:
        data = self.cleaned_data
        national = data.get("national")
        values = {
            "national_area": self.national_areas.get(national) if national != OWN else None,
            "awaiting_successor_of": self.awaiting.get(national),
            "own_priority_reason": data.get("own_priority_reason", "") if national == OWN else "",
            "previous_area": self.previous_areas.get(data.get("previous_area")),
        }
        if "name" in self.fields:
            values.update(
                number=data["number"],
                name=data["name"],
                description=data["description"],
                granted=data["granted"],
            )
        return AreaInput(**values)


class YearStartForm(forms.Form):
    year = forms.IntegerField(label="Nytt år", min_value=2000, max_value=2100)
    from_year = forms.TypedChoiceField(label="Utgå från", coerce=int)
    total = forms.CharField(
        label="Tilldelat belopp totalt (valfritt)",
        max_length=40,
        required=False,
        help_text=(
            "Till exempel 32,3 mnkr. Fördelas på områdena i proportion till föregående års "
            "belopp, exakt på öret. Lämna tomt för att fylla i beloppen per område."
        ),
    )

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_year"].choices = [
            (year, str(year)) for year in sorted(years, reverse=True)
        ]

    def clean_total(self):
        return _amount(self.cleaned_data["total"], required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("year") and data.get("from_year") and data["from_year"] >= data["year"]:
            self.add_error("from_year", "Året att utgå från måste ligga före det nya året.")
        return data


class PartnershipForm(forms.ModelForm):
    yearly_amount = forms.CharField(
        label="Belopp per år", max_length=40, help_text="I kronor, till exempel 500 000."
    )

    class Meta:
        model = Partnership
        fields = [
            "recipient",
            "national_area",
            "area_description",
            "first_year",
            "last_year",
            "yearly_amount",
            "registry_number",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["recipient"].queryset = Recipient.objects.filter(
            organisation=organisation, kind=Recipient.Kind.ASSOCIATION
        ).order_by("name")
        self.fields["recipient"].empty_label = "Välj förening"
        areas = NationalArea.objects.select_related("national_agreement").order_by(
            "-national_agreement__year", "number"
        )
        self.fields["national_area"].queryset = areas
        self.fields["national_area"].label_from_instance = lambda area: (
            f"{area.national_agreement.year}: {area.number}. {area.short_name}"
        )
        self.fields["national_area"].empty_label = "Inget – ange området i text"
        if self.instance.pk:
            from funds.money import format_amount_input

            self.initial["yearly_amount"] = format_amount_input(self.instance.yearly_amount)

    def clean_yearly_amount(self):
        return _amount(self.cleaned_data["yearly_amount"])

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        for name in ("first_year", "last_year"):
            if data.get(name) is not None and not 2000 <= data[name] <= 2100:
                self.add_error(name, "Året måste ligga mellan 2000 och 2100.")
        if first and last and last < first:
            self.add_error("last_year", "Sista år ligger före första år.")
        if not data.get("national_area") and not (data.get("area_description") or "").strip():
            self.add_error(
                "area_description", "Ange det nationella området eller beskriv det lokala området."
            )
        return data


class AllocationPrioritiesForm(forms.Form):
    priorities = forms.ModelMultipleChoiceField(
        label="Prioriteringar i handlingsplanerna",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = queryset
        self.fields["priorities"].label_from_instance = lambda priority: (
            f"{priority.goal_area.plan.title}: {priority.code} {priority.name}"
        )


# --- National reference data (administrators) ---------------------------------------------


class NationalAgreementForm(forms.Form):
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    title = forms.CharField(label="Titel", max_length=300)
    total = forms.CharField(label="Totalt belopp (valfritt)", max_length=40, required=False)
    source = forms.CharField(
        label="Källa", max_length=1000, required=False, help_text="Varifrån uppgifterna kommer."
    )

    def clean_total(self):
        return _amount(self.cleaned_data["total"], required=False)


class NationalAreaForm(forms.Form):
    number = forms.IntegerField(label="Nummer", min_value=1, max_value=99, required=False)
    short_name = forms.CharField(label="Kortnamn", max_length=100, required=False)
    name = forms.CharField(label="Namn", max_length=400, required=False)
    previous_number = forms.IntegerField(
        label="Fortsätter föregående års område nummer",
        min_value=1,
        max_value=99,
        required=False,
    )
    youth_clinics = forms.BooleanField(
        label="Medlen är öronmärkta för ungdomsmottagningarna",
        required=False,
        help_text="Då skriver tjänsteutlåtandet att stadsdelsförvaltningarnas andel "
        "inkluderar ungdomsmottagningarna, om de fått medel från området.",
    )
    huvudman = forms.ChoiceField(label="Huvudman", choices=NationalAreaFunding.Huvudman.choices)
    route = forms.ChoiceField(label="Uppföljning", choices=NationalAreaFunding.Route.choices)
    amount = forms.CharField(label="Belopp (valfritt)", max_length=40, required=False)

    def clean_amount(self):
        return _amount(self.cleaned_data["amount"], required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("name") or data.get("short_name") or data.get("number"):
            for name in ("number", "short_name", "name"):
                if not data.get(name):
                    self.add_error(name, "Fyll i nummer, kortnamn och namn för området.")
        return data

    @property
    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("name") or self.cleaned_data.get("short_name"))


NationalAreaFormSet = forms.formset_factory(
    NationalAreaForm, extra=6, max_num=20, validate_max=True
)


class CategoriesForm(forms.Form):
    """One text box per enkät question group, one answer option per line."""

    MAX_LINES = 60

    def __init__(self, *args, categories: list[SurveyCategory], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current: dict[str, list[str]] = {}
        for category in categories:
            current.setdefault(category.group, []).append(category.label)
        for group, label in SurveyCategory.Group.choices:
            self.fields[group] = forms.CharField(
                label=str(label),
                required=False,
                max_length=12000,
                widget=forms.Textarea(attrs={"rows": 5}),
                initial="\n".join(current.get(group, [])),
                help_text="Ett svarsalternativ per rad.",
            )

    def clean(self) -> dict:
        data = super().clean()
        self.labels: dict[str, list[str]] = {}
        for group in SurveyCategory.Group.values:
            lines = [line.strip() for line in (data.get(group) or "").splitlines() if line.strip()]
            if len(lines) > self.MAX_LINES:
                self.add_error(group, f"Högst {self.MAX_LINES} svarsalternativ per grupp.")
            if any(len(line) > 200 for line in lines):
                self.add_error(group, "Ett svarsalternativ får vara högst 200 tecken.")
            self.labels[group] = list(dict.fromkeys(lines))
        return data
