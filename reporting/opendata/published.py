"""Open data built once per change: cached bodies keyed by the published data's version.

Every public open-data answer (the index's list, the catalogue, each year's files) is built
once per version of the published data (files.published_version: one query, at most every
VERSION_SECONDS in a process) and then served
from the cache. A decision, a move to follow-up, a closing, a reopening or an amended amount
changes the version, so the next request builds afresh: nothing stale is served. The
version is also the answer's ETag, and the moment the body was built its Last-Modified, so
a client or CDN that revalidates gets 304 Not Modified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from reporting.opendata.files import published_version

# Entries of an old version are never read again; they only wait to expire.
CACHE_SECONDS = 24 * 60 * 60
# Shared caches (a CDN) may keep an answer a minute, then revalidate it with the ETag; the
# application answers a revalidation without a query while the version is kept.
OPEN_DATA_CACHE = "public, max-age=60"


def _settings_version() -> str:
    """The settings that go into the bodies: changing one is a change too."""
    described = (
        settings.SITE_URL,
        settings.OPEN_DATA_LICENSE,
        settings.OPEN_DATA_PUBLISHER,
        settings.OPEN_DATA_CONTACT_EMAIL,
    )
    return hashlib.sha256(repr(described).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Built:
    """A body as built for one version of the published data."""

    body: bytes
    etag: str
    last_modified: float  # seconds since the epoch, when it was built


def built(
    kind: str, build: Callable[[], bytes], *, version: Callable[[], str] | None = None
) -> Built:
    """The body for `kind` (e.g. "catalogue:turtle", "csv:0180:2023") at the current
    `version` (the published data's, or another: the public analysis reads more): from the
    cache, or built now and cached. One query when cached (the version); `build` may raise
    Http404, and nothing is cached then."""
    version = f"{(version or published_version)()}:{_settings_version()}"
    # Hashed: a kind may hold the filters' text, which a shared cache (memcached) refuses.
    key = "opendata:" + hashlib.sha256(f"{kind}:{version}".encode()).hexdigest()
    entry = cache.get(key)
    if entry is None:
        body = build()
        tag = hashlib.sha256(f"{kind}:{version}".encode()).hexdigest()[:24]
        entry = Built(body, f'"{tag}"', timezone.now().timestamp())
        cache.set(key, entry, CACHE_SECONDS)
    return entry


def conditional_response(
    request: HttpRequest, entry: Built, response_for: Callable[[bytes], HttpResponse]
) -> HttpResponse:
    """304 when the client's copy is current, else the full response; both with the
    validators and the public Cache-Control."""
    response = get_conditional_response(
        request, etag=entry.etag, last_modified=int(entry.last_modified)
    )
    if response is None:
        response = response_for(entry.body)
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(entry.last_modified)
    response["Cache-Control"] = OPEN_DATA_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response
