"""The generated access matrix (issue 10 security suite, SPEC §1, DESIGN "Rights").

Every browser URL × anonymous, Charlie (no rights) and one persona per right: the answer
expected from the view's own declaration (rights, organisation kinds) against the real one.
Id parameters name an object of ANOTHER organisation (Kommune M), so a person with the right
must get 404, never that object. Each GET also carries the security headers of SPEC §14.
"""

import pytest

from tests.security.headers import assert_probe_security_headers, assert_security_headers
from tests.security.oracle import (
    PERSONAS,
    PROBES,
    ROUTES,
    concrete_url,
    expected_allowed,
    has_object_id,
)

CASES = [
    pytest.param(route, access, persona, id=f"{route or '/'}-{persona or 'anonymous'}")
    for route, access in ROUTES
    for persona in PERSONAS
]
PROBES_SORTED = sorted(route for route, _ in ROUTES if route in PROBES)


def test_matrix_covers_every_browser_route():
    assert len(ROUTES) > 90
    assert {"oversigt/", "statistik/<uuid:report_id>/", "adgang/"} <= {r for r, _ in ROUTES}


def test_every_expectation_of_the_matrix_is_exercised():
    """Refused, allowed, and allowed-but-another-organisation's-object each occur."""
    kinds = {
        (expected_allowed(route, access, persona), has_object_id(route))
        for route, access in ROUTES
        if access.rights
        for persona in PERSONAS[1:]
    }
    assert kinds == {(False, False), (False, True), (True, False), (True, True)}


@pytest.mark.parametrize(("route", "access", "persona"), CASES)
def test_access_matrix(world, browser, route, access, persona):
    url = concrete_url(route, world.foreign)
    response = browser(persona).get(url)
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and location.startswith("/login/")

    if not access.login:
        assert status != 403 and not to_login, (url, status, location)
    elif persona is None:
        assert to_login, (url, status, location)
    elif not expected_allowed(route, access, persona):
        assert status == 403, (url, status, location)
    elif has_object_id(route):
        assert status == 404, f"{url} answered {status} for another organisation's object"
    else:
        assert status != 403 and not to_login, (url, status, location)
    if route not in PROBES:
        assert_security_headers(response)


@pytest.mark.parametrize("route", PROBES_SORTED)
def test_probe_responses_carry_the_security_headers(world, browser, route):
    """The probes skip SecurityMiddleware and CSPMiddleware (HealthCheckMiddleware answers
    them first); it sets the same headers itself, with a policy that allows nothing."""
    response = browser(None).get("/" + route)
    assert response.status_code in {200, 404, 503}  # /metrics is off by default
    assert_probe_security_headers(response)
