"""Swedish 400, 403, 404 and 500 pages, with DEBUG off (Django's handlers) and on (the demo,
through config.errors.SwedishErrorPagesInDebugMiddleware)."""

import pytest
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.template import loader
from django.test import Client
from django.urls import include, path, reverse

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.look.test_error_pages")]


def _raises(exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("test/400/", _raises(BadRequest("x"))),
    path("test/400b/", _raises(SuspiciousOperation("x"))),
    path("test/403/", _raises(PermissionDenied())),
    path("test/404/", _raises(Http404("x"))),
    path("test/500/", _raises(RuntimeError("boom"))),
    path("", include("config.urls")),
]
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

PAGES = {
    "/test/400/": (400, "Sidan kunde inte visas"),
    "/test/400b/": (400, "Sidan kunde inte visas"),
    "/test/403/": (403, "Ingen behörighet"),
    "/test/404/": (404, "Sidan finns inte"),
    "/ingen-sida-alls/": (404, "Sidan finns inte"),
    "/test/500/": (500, "Något gick fel"),
}
ENGLISH = ("Not Found", "Server Error", "Bad Request", "Forbidden", "Traceback", "DEBUG")


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("url", PAGES)
def test_every_error_page_is_swedish(settings, debug, url):
    settings.DEBUG = debug
    settings.SWEDISH_ERROR_PAGES_IN_DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(f.user(f.organisation()))
    response = client.get(url)
    status, heading = PAGES[url]
    body = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in body
    assert '<html lang="sv">' in body
    assert not [word for word in ENGLISH if word in body]


def test_with_the_setting_off_debug_shows_djangos_technical_page(settings):
    settings.DEBUG = True
    settings.SWEDISH_ERROR_PAGES_IN_DEBUG = False
    response = Client().get("/ingen-sida-alls/")
    assert response.status_code == 404
    assert "Sidan finns inte" not in response.content.decode()


def test_400_and_500_need_no_request_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        for name in ("400.html", "500.html"):
            html = loader.get_template(name).render()
            assert '<html lang="sv">' in html and "<script" not in html


def test_a_stale_form_gets_a_swedish_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.content.decode()
