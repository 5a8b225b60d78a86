import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create and log in many users; the production hasher costs ~0.3 s per user."""
    # PBKDF2 stays second so hashes made outside this fixture (module-scoped data) still check.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
