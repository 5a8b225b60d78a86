"""Pages for a signed-in user are never kept by a shared or browser cache."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_private_and_not_stored(client):
    org = f.organisation()
    f.agreement(org, 2024)
    client.force_login(f.user(org, "coordinator"))
    response = client.get(f"/{org.code}/2024/")
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_signed_in_file_download_is_private_too(client):
    org = f.organisation()
    f.agreement(org, 2024)
    client.force_login(f.user(org, "coordinator"))
    response = client.get(f"/{org.code}/2024/fordelning/excel/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
