#!/usr/bin/env bash
# Regenerates both hashed locks from pyproject.toml: requirements.lock (runtime only) and
# requirements-dev.lock (runtime + the dev group). Needs uv (pip install uv).
set -euo pipefail
cd "$(dirname "$0")/.."
uv pip compile pyproject.toml --generate-hashes --python-version 3.12 -o requirements.lock
uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.12 \
  -o requirements-dev.lock
