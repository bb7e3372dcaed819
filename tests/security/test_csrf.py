"""CSRF on every unsafe browser request (SPEC §14, issue 10 security suite).

For every browser route, a logged-in person who may use the page POSTs without a CSRF token
from a client that enforces the checks, as a browser on another site would: 403 with the
"Formularen er udløbet" page, and not a row written anywhere. PUT, PATCH and DELETE are
refused on every browser route too, with or without a token (403 or 405; the pages are forms
and take GET and POST only, `adgang.core.browser_methods`), and write nothing.

The machine API (`/apis/`) is exempt from CSRF by design: it authenticates every call with
its Authorization header (API key) and never with the session cookie, so a cross-site request
riding a logged-in person's cookie gets 401 like any other call without credentials
(`test_the_api_ignores_a_logged_in_session_so_csrf_cannot_ride_it`).
"""

import pytest
from django.apps import apps
from django.conf import settings

from adgang.audit.models import ActionLogEntry
from adgang.core.browser_methods import BROWSER_METHODS
from tests.security.oracle import PERSONAS, PROBES, ROUTES, concrete_url, expected_allowed
from tests.security.routes import API_PREFIX, all_routes
from tests.security.test_api_matrix import OPERATIONS, concrete, store_counts
from tests.support.messaging_api import assert_error

FORM_EXPIRED = "Formularen er udløbet"
MODELS = [model for model in apps.get_models() if model.__module__.startswith("adgang.")]


def allowed_persona(route, access) -> str | None:
    if not access.login:
        return None
    return next(p for p in PERSONAS[1:] if expected_allowed(route, access, p))


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


CASES = [
    pytest.param(route, access, id=route or "/")
    for route, access in ROUTES
    if route not in PROBES  # answered ahead of the middleware, GET only
]


# Exempt from the middleware only to check the token later themselves; the POST test below
# proves they still refuse a request without one.
CHECKS_ITS_OWN_TOKEN = {
    # The bounded upload handler must be installed before the body is read, which the
    # middleware's check would do; `_logo_edit` is wrapped in csrf_protect.
    "myndighedsinformation/logo/",
}


def test_no_browser_view_is_exempt_from_csrf_unless_it_checks_the_token_itself():
    exempt = {
        route
        for route, pattern in all_routes()
        if not route.startswith(API_PREFIX) and getattr(pattern.callback, "csrf_exempt", False)
    }
    assert exempt == CHECKS_ITS_OWN_TOKEN


@pytest.mark.parametrize(("route", "access"), CASES)
def test_post_without_csrf_token_is_refused_and_writes_nothing(world, browser, route, access):
    client = browser(allowed_persona(route, access), enforce_csrf_checks=True)
    url = concrete_url(route, world.foreign)
    before = row_counts()

    response = client.post(url, {"name": "x", "confirm": "1"})

    assert response.status_code == 403, (url, response.status_code)
    assert FORM_EXPIRED in response.content.decode()
    assert row_counts() == before
    assert ActionLogEntry.objects.count() == before["audit.ActionLogEntry"]


UNSAFE = ("PUT", "PATCH", "DELETE")
FORM_BODY = b"name=x&confirm=1"
FORM_TYPE = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("method", UNSAFE)
@pytest.mark.parametrize(("route", "access"), CASES)
def test_put_patch_delete_without_csrf_token_are_refused_and_write_nothing(
    world, browser, route, access, method
):
    client = browser(allowed_persona(route, access), enforce_csrf_checks=True)
    url = concrete_url(route, world.foreign)
    before = row_counts()

    response = client.generic(method, url, FORM_BODY, content_type=FORM_TYPE)

    assert response.status_code in (403, 405), (method, url, response.status_code)
    assert row_counts() == before


@pytest.mark.parametrize("method", UNSAFE)
@pytest.mark.parametrize(("route", "access"), CASES)
def test_put_patch_delete_with_a_valid_csrf_token_answer_405_and_write_nothing(
    world, browser, route, access, method
):
    """A valid token does not turn them into a GET (the view never runs): 405."""
    client = browser(allowed_persona(route, access), enforce_csrf_checks=True)
    token = "t" * 32  # the cookie and the header agree, as a same-site script's would
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    url = concrete_url(route, world.foreign)
    before = row_counts()

    response = client.generic(
        method, url, FORM_BODY, content_type=FORM_TYPE, HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 405, (method, url, response.status_code)
    assert response["Allow"] == ", ".join(BROWSER_METHODS)
    assert row_counts() == before


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_ignores_a_logged_in_session_so_csrf_cannot_ride_it(world, browser, method, path):
    client = browser("alice", enforce_csrf_checks=True)  # Alice's session cookie, no API key
    before = store_counts()

    response = client.generic(method, concrete(path), b"{}", content_type="application/json")

    assert_error(response, 401, "authorization.missing")
    assert store_counts() == before
