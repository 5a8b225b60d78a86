"""The load balancer's health check at /halsa/."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_it_answers_200_when_the_database_answers(client):
    response = client.get("/halsa/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "databas": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_answers_503_when_the_database_does_not(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/halsa/")
    assert response.status_code == 503
    assert response.json()["databas"] == "svarar inte"


def test_it_takes_only_get(client):
    assert client.post("/halsa/").status_code == 405
