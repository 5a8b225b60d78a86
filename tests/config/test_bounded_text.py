"""Every free-text field has a length limit that holds in the form, the model and the
database (config/fields.py, issue 15 §4)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from config.fields import BoundedTextField
from funds.followup.forms import InterventionForm, ReturnForm
from funds.models import Organisation
from tests import factories as f

PROJECT_APPS = ("funds", "plans", "reporting", "calls", "signin")


def test_every_text_field_of_the_project_is_bounded():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and not isinstance(field, BoundedTextField)
    ]
    assert unbounded == []


@pytest.mark.django_db
def test_the_database_refuses_a_longer_text():
    organisation = f.organisation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(address="x" * 501)
    Organisation.objects.filter(pk=organisation.pk).update(address="x" * 500)


@pytest.mark.django_db
def test_the_model_refuses_a_longer_text_in_swedish():
    organisation = f.organisation()
    organisation.address = "x" * 501
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "högst 500 tecken" in str(refused.value) or "500 tecken" in str(refused.value)


def test_forms_refuse_longer_texts_before_the_model_sees_them():
    insats = InterventionForm({"i-description": "x" * 5001}, categories={}, prefix="i")
    assert not insats.is_valid() and "description" in insats.errors
    comment = ReturnForm({"version": "1", "comment": "x" * 2001})
    assert not comment.is_valid() and "comment" in comment.errors
