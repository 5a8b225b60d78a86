"""Test-run defaults, loaded as a plugin (-p) so they are set before Django reads settings."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A test database need not survive a crash: PostgreSQL answers a commit without waiting for
# the disk (libpq reads PGOPTIONS; the workers and servers the tests start inherit it).
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")

# Hypothesis in the suite: generate and report, without shrinking or explaining a failure.
# Shrinking a failing example of a slow test (a form of 200 rows) took over five minutes in
# CI, and the explain phase traces every line Python runs; the failing example is printed as
# found, and `HYPOTHESIS_PROFILE=debug` brings both phases back for a local run.
from hypothesis import Phase, settings  # noqa: E402

settings.register_profile(
    "suite", phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
)
settings.register_profile("debug", phases=list(Phase))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))
