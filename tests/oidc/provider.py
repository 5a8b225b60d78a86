"""Starts tests/oidc/provider.mjs (oidc-provider under node) and stops it, with bounded waits."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCRIPT = Path(__file__).with_name("provider.mjs")
ROOT = SCRIPT.parents[2]
START_TIMEOUT_S = 15


@contextmanager
def provider_running(config: dict, log: Path) -> Iterator[dict]:
    """Run the provider with `config` (see provider.mjs); yield its discovery document."""
    node = shutil.which("node")
    assert node, "node is missing: run scripts/browser_deps.sh"
    assert (ROOT / "node_modules" / "oidc-provider" / "package.json").exists(), (
        "node_modules/oidc-provider is missing: run scripts/browser_deps.sh (npm ci)"
    )
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            issuer = _wait_for_ready(process, log)
            with urllib.request.urlopen(  # noqa: S310 (a loopback http URL we made)
                f"{issuer}/.well-known/openid-configuration", timeout=5
            ) as response:
                yield json.load(response)
        finally:
            # Closing stdin ends it; SIGTERM and then SIGKILL if it does not.
            process.stdin.close()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=3)
            process.stdout.close()


def _wait_for_ready(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=remaining):
                break
            line = process.stdout.readline()
            if not line:  # it exited
                break
            if line.startswith("READY "):
                return line.split(maxsplit=1)[1].strip()
    raise AssertionError(
        f"oidc-provider did not start within {START_TIMEOUT_S} s "
        f"(exit code {process.poll()}):\n{log.read_text()}"
    )
