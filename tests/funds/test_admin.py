"""The Django admin: every model's pages load in Swedish, amounts accept Swedish notation,
and money cannot be deleted there."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from funds.models import Allocation, PriorityArea
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.se", "pw")


def test_every_changelist_and_add_page_loads(client, superuser):
    org = f.organisation()
    agr = f.agreement(org)
    f.allocation(f.area(agr), f.recipient(org), "10.00")
    client.force_login(superuser)
    for model in admin.site._registry:
        if model._meta.app_label != "funds":
            continue
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist")).status_code == 200, info
        assert client.get(reverse(f"admin:{info[0]}_{info[1]}_add")).status_code in (200, 403), info


def test_the_admin_speaks_swedish(client, superuser):
    client.force_login(superuser)
    body = client.get(reverse("admin:index")).content.decode()
    assert "Fördelningar" in body and "Överenskommelser" in body


def test_amounts_accept_swedish_notation(client, superuser):
    agr = f.agreement()
    area = f.area(agr, "1.00")
    client.force_login(superuser)
    url = reverse("admin:funds_priorityarea_change", args=[area.pk])
    data = {
        "agreement": agr.pk,
        "number": 1,
        "name": "Suicidprevention",
        "description": "",
        "granted": "8,4 mnkr",
    }
    assert client.post(url, data).status_code == 302
    assert PriorityArea.objects.get().granted == Decimal("8400000.00")
    data["granted"] = "1.500.000"
    response = client.post(url, data)
    assert response.status_code == 200 and "tvetydigt" in response.content.decode()
    assert PriorityArea.objects.get().granted == Decimal("8400000.00")


def test_money_cannot_be_deleted_in_the_admin(client, superuser):
    org = f.organisation()
    alloc = f.allocation(f.area(f.agreement(org)), f.recipient(org), "10.00")
    client.force_login(superuser)
    url = reverse("admin:funds_allocation_delete", args=[alloc.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Allocation.objects.filter(pk=alloc.pk).exists()
