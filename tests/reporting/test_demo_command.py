import pytest
from django.core.management import CommandError, call_command

from reporting.models import DecisionDocument
from tests.demo_image import demo_restore


@pytest.mark.django_db
def test_load_demo_documents_is_idempotent_and_needs_the_funds_demo(capsys):
    with pytest.raises(CommandError):
        call_command("load_demo_documents")
    demo_restore()
    call_command("load_demo_documents")
    call_command("load_demo_documents")
    assert DecisionDocument.objects.filter(year=2023).count() == 1
    assert "fanns redan" in capsys.readouterr().out
