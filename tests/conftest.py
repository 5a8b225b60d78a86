import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create and log in many users; the production hasher costs ~0.3 s per user."""
    # PBKDF2 stays second so hashes made outside this fixture (module-scoped data) still check.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Mails are queued for a worker in production (funds/outbox.py); here the task runs at
    enqueue, in-process, so a test sees the mail in mail.outbox. tests/funds/test_outbox.py
    runs a real worker process against the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def cache_emptied():
    """Every test starts with an empty cache: the mail limits (signin/ratelimit.py) count in
    it, and one file's sign-ups must not use up the next file's quota for 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def flush_by_delete():
    """A transactional test (the browser tests, the races) empties the database after it.
    PostgreSQL's TRUNCATE of 64 small tables takes 0.4 s (each gets new files); DELETE takes
    3 ms. The flush runs in one transaction, so the deferred foreign keys hold at its end."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"DELETE FROM {self.quote_name(table)}" for table in tables]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate
