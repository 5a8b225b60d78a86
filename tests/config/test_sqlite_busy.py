"""The demo's SQLite under concurrent saves: WAL, a busy timeout and write transactions that
take the lock when they begin mean no save fails; if one still met a lock it would get the
Swedish 503 "försök igen", never a 500 (test_database_busy_answers_503)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError

ROOT = Path(__file__).resolve().parents[2]


def test_sixty_parallel_saves_on_sqlite_all_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_DEBUG"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "tests.config.sqlite_concurrency", str(tmp_path / "db"), "60"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"statuses": {"200": 60}, "stored": 60}, outcome


@pytest.mark.django_db
def test_database_busy_answers_503_in_swedish(client, monkeypatch):
    from tests import factories as f

    org = f.organisation()
    f.agreement(org, 2024)
    client.force_login(f.user(org, "coordinator"))

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("funds.views.agreement_balance", locked)
    response = client.get(f"/{org.code}/2024/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Försök igen om en stund" in response.content.decode()
