"""The production server for real: gunicorn with production settings against the test's
PostgreSQL database, static files through WhiteNoise, a sign-in over HTTP.

The app is meant to sit behind a TLS-terminating proxy, so the requests carry the proxy's
`X-Forwarded-Proto: https` (gunicorn trusts it from 127.0.0.1 only).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


class Browser:
    """Just enough of a browser: cookies (also Secure ones, since the proxy did TLS)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        all_headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response, content


@pytest.fixture
def server(tmp_path):
    # Production runs on PostgreSQL, and so does this test (make test provides it).
    assert connection.vendor == "postgresql", "run this test with DATABASE_URL (PostgreSQL)"
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    subprocess.run(
        [BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [BIN / "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response, body = Browser(port).request("GET", "/halsa/")
                if response.status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{(tmp_path / 'gunicorn.log').read_text()}")
            time.sleep(0.2)
        yield port, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_gunicorn_serves_the_app_with_production_settings(server):
    port, tmp_path = server
    org = f.organisation(name="Serverkommunen")
    f.agreement(org, 2024)
    user = f.user(org, "coordinator", username="driftsamordnare")
    user.password = make_password("ett-långt-lösenord", hasher="pbkdf2_sha256")
    user.save()

    browser = Browser(port)
    response, body = browser.request("GET", "/halsa/")
    assert response.status == 200 and json.loads(body)["status"] == "ok"

    # Over plain HTTP without the proxy's header the app sends the visitor to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    plain.request("GET", "/logga-in/", headers={"Host": f"127.0.0.1:{port}"})
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location").startswith("https://")

    response, body = browser.request("GET", "/logga-in/")
    assert response.status == 200
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": "driftsamordnare",
            "password": "ett-långt-lösenord",
        }
    )
    response, _ = browser.request(
        "POST",
        "/logga-in/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{port}/logga-in/",
        },
    )
    assert response.status == 302, "the sign-in was not accepted"
    assert "sessionid" in browser.cookies

    response, body = browser.request("GET", f"/{org.code}/2024/")
    assert response.status == 200
    assert "Serverkommunen" in body.decode()
    assert "no-store" in response.getheader("Cache-Control")

    # Static files: hashed names from the manifest, compressed, cached for a long time.
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/app.css"]
    response, body = browser.request(
        "GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    response, body = browser.request("GET", f"/{org.code}/2024/")
    assert f"/static/{hashed}".encode() in body
