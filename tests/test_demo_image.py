"""tests/demo_image.py puts back exactly what the demo's loader writes."""

import pytest
from django.core.management import call_command

from funds.demo.loader import demo_load
from funds.models import Allocation, Organisation, Recipient
from tests import factories as f
from tests.demo_image import demo_restore


@pytest.mark.django_db
def test_the_loader_finds_nothing_to_do_after_a_restore():
    demo_restore()
    counts = (Organisation.objects.count(), Allocation.objects.count())

    summary = demo_load()

    assert (summary.created, summary.updated) == (0, 0)
    assert counts == (Organisation.objects.count(), Allocation.objects.count())
    assert counts[1] > 0


@pytest.mark.django_db
def test_a_restore_clears_what_the_test_made_and_new_rows_get_new_keys():
    demo_restore()
    stockholm = Organisation.objects.get(code="0180")
    made = f.recipient(stockholm, name="Ny förening")
    demo_restore()
    assert not Recipient.objects.filter(name="Ny förening").exists()
    again = f.recipient(Organisation.objects.get(code="0180"), name="Ny förening")
    assert again.pk > max(Recipient.objects.exclude(pk=again.pk).values_list("pk", flat=True))
    assert again.pk != made.pk


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_and_a_restore_the_keys_still_do_not_collide():
    """A transactional test empties the tables and post_migrate writes the reference data again
    with new keys; a restore then a new row must not collide with either."""
    call_command("flush", interactive=False, verbosity=0)
    demo_restore()
    stockholm = Organisation.objects.get(code="0180")
    f.recipient(stockholm, name="Efter tömningen")
    assert Recipient.objects.filter(name="Efter tömningen").count() == 1
