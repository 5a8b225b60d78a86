"""Forms of calls: calls and criteria, accounts, applications, assessment, proposals, decisions."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from calls.models import (
    MAX_BUDGET_ROWS,
    MAX_QUESTIONS,
    MAX_TEXT,
    ApplicantKind,
    Application,
    Call,
)
from calls.workflows import Outcome
from config.forms import SwedishDateField, SwedishDateTimeField
from funds.identifiers import normalise_organisation_number
from funds.models import ZERO, Agreement, Membership, SurveyCategory
from funds.money import AmountField


def text_area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": MAX_TEXT})


class CallForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label="Organisationstyper som kan söka",
        choices=ApplicantKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Välj minst en organisationstyp."},
    )
    amount = AmountField(
        label="Belopp att fördela",
        help_text="Ryms inom områdets ofördelade medel, till exempel 1 500 000.",
    )
    opens_at = SwedishDateTimeField(label="Öppnar")
    closes_at = SwedishDateTimeField(label="Sista ansökningstid")
    questions_text = forms.CharField(
        label="Egna frågor till de sökande",
        required=False,
        max_length=MAX_TEXT,
        widget=text_area(4),
        help_text="En fråga per rad, högst 10. Alla ansökningar svarar också på beskrivning, "
        "förväntade resultat, målgrupper och budget.",
    )

    class Meta:
        model = Call
        fields = [
            "priority_area",
            "title",
            "purpose",
            "eligibility",
            "eligible_kinds",
            "amount",
            "opens_at",
            "closes_at",
            "registry_number",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "priority_area": "Prioriterat område",
            "title": "Rubrik",
            "purpose": "Syfte",
            "contact_name": "Kontaktperson för frågor",
            "contact_email": "Kontaktpersonens e-post",
            "contact_phone": "Kontaktpersonens telefon",
        }
        widgets = {"purpose": text_area(5), "eligibility": text_area(3)}

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self.fields["priority_area"].queryset = agreement.priority_areas.all()
        self.fields["priority_area"].empty_label = None
        self.fields["questions_text"].initial = "\n".join(self.instance.questions or [])

    def clean_questions_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions_text"].splitlines()]
        questions = [line[:500] for line in lines if line]
        if len(questions) > MAX_QUESTIONS:
            raise ValidationError(f"Högst {MAX_QUESTIONS} egna frågor.")
        return questions

    def clean(self) -> dict:
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "Sista ansökningstid ska ligga efter öppningen.")
        self.instance.questions = data.get("questions_text") or []
        return data


class CriterionForm(forms.Form):
    name = forms.CharField(label="Kriterium", max_length=200, required=False)
    description = forms.CharField(
        label="Vad bedöms", max_length=MAX_TEXT, required=False, widget=text_area(2)
    )
    weight = forms.IntegerField(label="Vikt (1–10)", min_value=1, max_value=10, initial=1)


CriterionFormSet = forms.formset_factory(
    CriterionForm, extra=2, max_num=10, validate_max=True, absolute_max=10
)


def criteria_from(formset) -> list[dict]:
    rows = [form.cleaned_data for form in formset if form.cleaned_data.get("name")]
    names = [row["name"].strip() for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError("Två kriterier har samma namn.")
    return [
        {"name": row["name"].strip(), "description": row["description"], "weight": row["weight"]}
        for row in rows
    ]


class RegisterForm(forms.Form):
    name = forms.CharField(label="Ditt namn", max_length=150)
    email = forms.EmailField(label="E-postadress", max_length=150)
    phone = forms.CharField(label="Telefon", max_length=40, required=False)
    password = forms.CharField(
        label="Lösenord",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Minst 8 tecken, inte bara siffror och inte ett vanligt lösenord.",
    )
    password_again = forms.CharField(
        label="Lösenordet igen", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_email(self) -> str:
        # Whether the address has an account is not said here: the answer would tell anyone
        # who has an account (calls/accounts.py mails the address's owner instead).
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "Lösenorden är inte lika.")
        elif data.get("password"):
            try:
                validate_password(data["password"], User(username=data.get("email", "")))
            except ValidationError as error:
                self.add_error("password", error)
        return data


class ApplicationForm(forms.ModelForm):
    """A draft may be saved half-filled; only what is typed must be well-formed."""

    amount_requested = AmountField(label="Sökt belopp", required=False)
    target_groups = forms.ModelMultipleChoiceField(
        label="Målgrupper",
        queryset=SurveyCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Application
        fields = [
            "organisation_name",
            "organisation_number",
            "organisation_kind",
            "contact_name",
            "contact_email",
            "contact_phone",
            "project_title",
            "description",
            "expected_results",
            "target_groups",
            "amount_requested",
        ]
        labels = {
            "organisation_name": "Organisationens namn",
            "organisation_number": "Organisationsnummer",
            "organisation_kind": "Organisationstyp",
            "contact_name": "Kontaktperson",
            "contact_email": "Kontaktpersonens e-post",
            "contact_phone": "Kontaktpersonens telefon",
            "project_title": "Projektets namn",
            "description": "Beskriv verksamheten ni söker för",
            "expected_results": "Förväntade resultat",
        }
        help_texts = {"organisation_number": "Tio siffror, till exempel 802000-0009."}
        widgets = {"description": text_area(6), "expected_results": text_area(4)}

    def __init__(self, *args, call: Call, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["organisation_kind"].choices = [("", "Välj")] + [
            (key, label) for key, label in ApplicantKind.choices if key in call.eligible_kinds
        ]
        self.fields["target_groups"].queryset = SurveyCategory.objects.filter(
            year=call.agreement.year, group=SurveyCategory.Group.TARGET_GROUP
        ).order_by("position", "label")
        self.fields["contact_email"].max_length = 150
        answers = list(self.instance.answers or [])
        for index, question in enumerate(call.questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=question,
                required=False,
                max_length=MAX_TEXT,
                widget=text_area(4),
                initial=answers[index] if index < len(answers) else "",
            )

    def answer_fields(self):
        return [self[f"answer_{index}"] for index in range(len(self.call.questions))]

    def clean_organisation_number(self) -> str:
        value = self.cleaned_data["organisation_number"].strip()
        return normalise_organisation_number(value) if value else ""

    def save(self, commit: bool = True) -> Application:
        self.instance.answers = [
            self.cleaned_data.get(f"answer_{index}", "")
            for index in range(len(self.call.questions))
        ]
        return super().save(commit)


class BudgetRowForm(forms.Form):
    item = forms.CharField(label="Kostnad", max_length=200, required=False)
    amount = AmountField(label="Belopp", required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("item") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", "Ange beloppet för raden.")
        if data.get("amount") is not None and not data.get("item"):
            self.add_error("item", "Skriv vad kostnaden gäller.")
        return data


BudgetFormSet = forms.formset_factory(
    BudgetRowForm,
    extra=2,
    max_num=MAX_BUDGET_ROWS,
    validate_max=True,
    absolute_max=MAX_BUDGET_ROWS,
)


def budget_from(formset) -> list[dict]:
    """The budget rows that name a cost, as item and amount, in the order typed."""
    return [form.cleaned_data for form in formset if form.cleaned_data.get("item")]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Bilaga (PDF, högst 5 MB)",
        error_messages={"required": "Välj en PDF-fil att bifoga."},
        # Part of the application's own form (id="application-form"), so that uploading sends
        # and saves what has been typed too.
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,.pdf", "form": "application-form"}
        ),
    )


class ReviewersForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label="Bedömare",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, agreement: Agreement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = User.objects.filter(
            memberships__organisation_id=agreement.organisation_id,
            memberships__role__in=[
                Membership.Role.ADMINISTRATOR,
                Membership.Role.COORDINATOR,
                Membership.Role.READER,
            ],
            is_active=True,
        ).order_by("first_name", "last_name", "username")
        self.fields["reviewers"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Är du jävig i förhållande till den här sökande?",
        choices=[("nej", "Nej, jag är inte jävig"), ("ja", "Ja, jag är jävig")],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": "Svara om du är jävig."},
    )
    explanation = forms.CharField(
        label="Om ja: varför (t.ex. styrelseledamot, anhörig)",
        required=False,
        max_length=MAX_TEXT,
        widget=text_area(2),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("has_conflict") and not (data.get("explanation") or "").strip():
            self.add_error("explanation", "Beskriv kort varför du är jävig.")
        return data


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name}: poäng (1 = svagt, 5 = mycket starkt)",
                choices=[(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Ge poäng för {criterion.name}."},
            )
            self.fields[f"justification_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name}: motivering",
                max_length=MAX_TEXT,
                widget=text_area(3),
                error_messages={"required": f"Motivera poängen för {criterion.name}."},
            )

    def pairs(self):
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"justification_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"justification_{c.pk}"])
            for c in self.criteria
        }


class ProposalForm(forms.Form):
    def __init__(self, *args, applications, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for application in applications:
            self.fields[f"amount_{application.pk}"] = AmountField(
                label=f"Föreslaget belopp till {application}",
                required=False,
                initial=application.proposed_amount,
            )

    def amounts(self) -> dict[int, object]:
        return {
            int(name.removeprefix("amount_")): value for name, value in self.cleaned_data.items()
        }


class DecisionForm(forms.Form):
    registry_number = forms.CharField(label="Diarienummer", max_length=50)
    decided_by = forms.CharField(
        label="Beslutat av",
        max_length=200,
        help_text="Vem som fattade beslutet, t.ex. på delegation från nämnden.",
    )
    decided_on = SwedishDateField(label="Beslutsdatum")
    announced_on = SwedishDateField(
        label="Anslaget på anslagstavlan",
        help_text="Tiden för laglighetsprövning (tre veckor) räknas från den dagen.",
    )

    RECORD_FIELDS = ("registry_number", "decided_by", "decided_on", "announced_on")

    def __init__(self, *args, applications, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for application in self.applications:
            pk = application.pk
            self.fields[f"outcome_{pk}"] = forms.ChoiceField(
                label=f"Beslut för {application}",
                choices=[("granted", "Bevilja"), ("rejected", "Avslå")],
                widget=forms.RadioSelect,
                initial="granted" if application.proposed_amount else "rejected",
                error_messages={"required": f"Välj bevilja eller avslå för {application}."},
            )
            self.fields[f"amount_{pk}"] = AmountField(
                label=f"Beviljat belopp till {application}",
                required=False,
                initial=application.proposed_amount,
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=f"Motivering till {application}",
                max_length=MAX_TEXT,
                widget=text_area(3),
                error_messages={"required": f"Skriv en motivering för {application}."},
            )

    def rows(self):
        return [
            (a, self[f"outcome_{a.pk}"], self[f"amount_{a.pk}"], self[f"reason_{a.pk}"])
            for a in self.applications
        ]

    def clean(self) -> dict:
        data = super().clean()
        for application in self.applications:
            pk = application.pk
            missing = data.get(f"outcome_{pk}") == "granted" and not data.get(f"amount_{pk}")
            if missing and f"amount_{pk}" not in self.errors:
                self.add_error(f"amount_{pk}", f"Ange beviljat belopp för {application}.")
        return data

    @staticmethod
    def initial_for(call: Call) -> dict:
        today = timezone.localdate()
        return {
            "registry_number": call.registry_number,
            "decided_by": call.agreement.organisation.decided_by_default,
            "decided_on": today,
            "announced_on": today,
        }

    def decision(self) -> dict:
        """The decision's own record: registry number, decided by, decided and announced on."""
        return {name: self.cleaned_data[name] for name in self.RECORD_FIELDS}

    def outcomes(self) -> list[Outcome]:
        data = self.cleaned_data
        return [
            Outcome(
                application_id=a.pk,
                granted=data[f"outcome_{a.pk}"] == "granted",
                amount=data.get(f"amount_{a.pk}") or ZERO,
                reason=data[f"reason_{a.pk}"],
            )
            for a in self.applications
        ]
