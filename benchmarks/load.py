"""Loopback load test of the production server: gunicorn (2 workers, production settings)
against PostgreSQL holding the national-scale database (benchmarks/national.py) and the
demo, 20 concurrent clients, signed in as the demo's administrator. Django's admin index is
the baseline: a page with almost no work of ours.

The pages are interleaved: each gets a slice of a few seconds in turn, round after round,
so a change in the machine's load falls on all of them alike; the load average is printed
before and after. Bounded in count and time, loopback only:
    DATABASE_URL=postgres://…/bench .venv/bin/python benchmarks/load.py [--seconds 30]
Prints a Markdown table for docs/performance.md; no test asserts timings.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TYPICAL_CODE = "0160"  # benchmarks/national.py: a kommun of 100 recipients × 6 areas
MIDDLE_CODE = "0198"  # … a mid-size one, 300 × 8
LARGE_CODE = "0199"  # … and the large one, 1 000 × 8
PAGES = {
    "Year overview, typical kommun": f"/{TYPICAL_CODE}/2024/",
    "Allocation matrix, typical kommun (100 × 6)": f"/{TYPICAL_CODE}/2024/fordelning/",
    "Allocation matrix, mid-size kommun (300 × 8)": f"/{MIDDLE_CODE}/2024/fordelning/",
    "Year overview, large kommun": f"/{LARGE_CODE}/2024/",
    "Allocation matrix, large kommun (1 000 × 8)": f"/{LARGE_CODE}/2024/fordelning/",
    "Open data index /oppna-data/ (public)": "/oppna-data/",
    "Open-data catalogue katalog.ttl (public)": "/oppna-data/katalog.ttl",
    "Django admin index /admin/ (baseline)": "/admin/",
}
# What a browser sends: the matrix is compressed (gzip_page in funds/allocation/views.py).
BROWSER_HEADERS = {"Accept-Encoding": "gzip"}
SLICE_SECONDS = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        all_headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **BROWSER_HEADERS,
            **(headers or {}),
        }
        try:
            self.conn.request(method, path, body=body, headers=all_headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=all_headers)
            response = self.conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content


def sign_in(port: int) -> dict[str, str]:
    session = Session(port)
    _, body = session.request("GET", "/logga-in/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, _ = session.request(
        "POST",
        "/logga-in/",
        body=urlencode({"csrfmiddlewaretoken": token, "username": "admin", "password": "demo"}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{port}/logga-in/",
        },
    )
    if status != 302:
        raise SystemExit(f"sign-in failed with {status}")
    return session.cookies


def hammer(port: int, cookies: dict[str, str], path: str, clients: int, seconds: float):
    """`clients` signed-in clients asking for `path` for `seconds`: (latencies ms, non-200,
    elapsed s)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        session = Session(port)
        session.cookies = dict(cookies)
        mine, bad = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            status, _ = session.request("GET", path)
            mine.append((time.perf_counter() - start) * 1000)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return latencies, errors, time.monotonic() - began


def interleaved(port: int, cookies: dict[str, str], clients: int, seconds: float) -> dict:
    """Every page a slice in turn until each has had `seconds`: per page (requests/s, p50,
    p95, p99, non-200, requests)."""
    rounds = max(1, round(seconds / SLICE_SECONDS))
    gathered = {label: ([], 0, 0.0) for label in PAGES}
    for _ in range(rounds):
        for label, path in PAGES.items():
            latencies, errors, elapsed = hammer(port, cookies, path, clients, SLICE_SECONDS)
            before = gathered[label]
            gathered[label] = (before[0] + latencies, before[1] + errors, before[2] + elapsed)
    results = {}
    for label, (latencies, errors, elapsed) in gathered.items():
        q = statistics.quantiles(latencies, n=100)
        results[label] = (len(latencies) / elapsed, q[49], q[94], q[98], errors, len(latencies))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a scratch PostgreSQL database.")
    static_root = tempfile.mkdtemp(prefix="load-static-")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": static_root,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_ACCESS_LOG": os.devnull,
    }
    manage = [str(BIN / "python"), "manage.py"]
    for command in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    national = [str(BIN / "python"), "benchmarks/national.py"]
    subprocess.run(national, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if Session(port).request("GET", "/halsa/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        cookies = sign_in(port)
        for path in PAGES.values():
            hammer(port, cookies, path, args.clients, 2)  # warm up the workers
        load_before = os.getloadavg()[0]
        measured = interleaved(port, cookies, args.clients, args.seconds)
        load_after = os.getloadavg()[0]
        print(
            f"gunicorn {args.workers} workers, {args.clients} clients, {args.seconds:.0f} s per "
            f"page in {SLICE_SECONDS:.0f} s slices, interleaved; load average "
            f"{load_before:.2f} → {load_after:.2f}"
        )
        print("| page | requests/s | p50 ms | p95 ms | p99 ms | requests | non-200 |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        results = {}
        for label, (rps, p50, p95, p99, errors, count) in measured.items():
            results[label] = rps
            row = [label, f"{rps:.1f}", f"{p50:.0f}", f"{p95:.0f}", f"{p99:.0f}", count, errors]
            print("| " + " | ".join(str(cell) for cell in row) + " |")
        baseline = results["Django admin index /admin/ (baseline)"]
        for label, rps in results.items():
            print(f"- {label}: {rps / baseline:.2f}× the admin index's throughput")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
