"""The public analysis (a county's and the nation's) built once per change of what it reads.

The county's and the nation's pages need no login and read every published year's insatser:
at national scale that is tens of thousands of rows per request, and a lägesrapport is a
WeasyPrint render on top. So the analysis, and each document or CSV made from it, is built
once per version of its inputs and kept in Django's cache; the documents also answer with
an ETag and Last-Modified (304 on revalidation) and a public Cache-Control, as the open
data does (reporting/opendata/published.py).

The version changes when the published data changes (a year decided, followed up, closed
or reopened, an amount changed: `published_version`), when a report is saved, submitted,
returned or approved (every one writes a FollowUpChange), when the enkät's categories of a
year change, and when an organisation joins or is renamed. What writes no trail (a
recipient's kind edited afterwards) shows after at most PUBLIC_SECONDS. A länssamordnare's
pages, which add members' unpublished years, are never cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction

from funds.models import FollowUpChange, Organisation, SurveyCategorySet
from reporting.opendata.files import VERSION_SECONDS, published_version
from reporting.opendata.published import Built, built

PUBLIC_SECONDS = 10 * 60


VERSION_KEY = "analysis:version"


def public_version() -> str:
    """A short key that changes whenever the public analysis may have changed, kept
    VERSION_SECONDS in a process like the open data's (analysis/apps.py forgets it on the
    saves that change it)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = public_version_read()
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


def public_version_forget(**_signal) -> None:
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def public_version_read() -> str:
    """Two queries: the published years and the allocation trail (published_version), then
    the newest report change, category change and organisation."""
    tables = {
        "changes": FollowUpChange._meta.db_table,
        "categories": SurveyCategorySet._meta.db_table,
        "organisations": Organisation._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {tables['changes']}),"  # noqa: S608 (table names)
            f" (SELECT max(updated_at) FROM {tables['categories']}),"
            f" (SELECT count(*) FROM {tables['organisations']}),"
            f" (SELECT md5(string_agg(code || name, ',' ORDER BY id))"
            f" FROM {tables['organisations']})"
        )
        row = cursor.fetchone()
    digest = hashlib.sha256(f"{published_version()}:{row!r}".encode()).hexdigest()
    return digest[:20]


def public_cached[T](kind: str, build: Callable[[], T]) -> tuple[T, str]:
    """The value `build` makes for `kind` (e.g. "county:01:2024:<filters>") at the current
    version, and that version: from the cache, or built now and kept PUBLIC_SECONDS at the
    most."""
    version = public_version()
    # Hashed: the kind holds the filters' text, which a shared cache (memcached) refuses.
    key = "analysis:" + hashlib.sha256(f"{kind}:{version}".encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PUBLIC_SECONDS)
    return value, version


def public_body(kind: str, build: Callable[[], bytes], *, version: str) -> Built:
    """A document's or a CSV's bytes, built once per `version` (public_cached's, so a request
    asks for it once), with its ETag and the moment it was built (Last-Modified)."""
    return built(f"analysis:{kind}", build, version=lambda: version)
