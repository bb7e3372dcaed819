"""CSRF on every unsafe browser request (SPEC §14, issue 10 security suite).

For every browser route, a logged-in person who may use the page POSTs without a CSRF token
from a client that enforces the checks, as a browser on another site would: 403 with the
"Formularen er udløbet" page, and not a row written anywhere.
"""

import pytest
from django.apps import apps

from adgang.audit.models import ActionLogEntry
from tests.security.oracle import PERSONAS, PROBES, ROUTES, concrete_url, expected_allowed
from tests.security.routes import API_PREFIX, all_routes

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
