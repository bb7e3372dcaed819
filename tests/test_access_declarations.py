"""Every view declares who may use it (DESIGN "Rights", SPEC §1 "answers 403").

The meta-test walks the whole URL configuration, so a view added without a declaration
fails here before it can ship. The other tests check that declarations are enforced: a page
that needs rights answers 403 to Charlie (no rights) and sends an anonymous visitor to login.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import get_resolver, resolve
from django.urls.resolvers import RoutePattern

from tests.security.routes import declared_access, walk

ROUTES = list(walk(get_resolver().url_patterns))


def test_url_configuration_is_walked():
    routes = {route for route, _ in ROUTES}
    assert {"login/", "oversigt/", "healthz", "haendelseslog/meddelelser/"} <= routes


def test_every_view_declares_its_access():
    undeclared = [
        f"{route} ({pattern.lookup_str})"
        for route, pattern in ROUTES
        if declared_access(pattern.callback) is None
    ]
    assert not undeclared, "Views without an access declaration:\n" + "\n".join(undeclared)


def test_undeclared_view_is_detected():
    def bare_view(request):
        raise AssertionError

    assert declared_access(bare_view) is None


# --- Declarations are enforced -------------------------------------------------------------

SAMPLES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x", "path": "x"}


def sample_url(route: str) -> str:
    """A concrete URL for a route, its converters filled with sample values."""
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)


def pages_needing_rights() -> list[str]:
    return sorted(
        sample_url(route)
        for route, pattern in ROUTES
        if isinstance(pattern.pattern, RoutePattern)
        and (access := declared_access(pattern.callback)) is not None
        and access.rights
    )


RIGHTS_PAGES = pages_needing_rights()


def test_there_are_pages_that_need_rights():
    assert {"/systemtilslutning/", "/haendelseslog/soegninger/", "/adgang/"} <= set(RIGHTS_PAGES)


@pytest.mark.parametrize("url", RIGHTS_PAGES)
def test_page_needing_rights_answers_403_to_charlie(client_as, url):
    response = client_as("charlie").get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert re.search(r"<h1[^>]*>\s*Ingen adgang\s*</h1>", html)
    assert 'lang="da"' in html


@pytest.mark.parametrize("url", RIGHTS_PAGES)
def test_page_needing_rights_sends_anonymous_visitors_to_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_logged_in_page_sends_anonymous_visitors_to_login(db):
    response = Client().get("/skift-kontekst/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/skift-kontekst/"


# --- Fixed interfaces of SPEC §15 ----------------------------------------------------------

SPEC_PATHS = [
    "/oversigt/",
    "/login/",
    "/logout/",
    "/testportal/",
    "/skift-kontekst/",
    "/systemtilslutning/",
    "/kontaktstruktur/",
    "/haendelseslog/",
    "/haendelseslog/meddelelser/",
    "/haendelseslog/handlinger/",
    "/haendelseslog/soegninger/",
    "/fritagelse/borger/",
    "/fritagelse/virksomhed/",
    "/nemsms/borger/",
    "/nemsms/virksomhed/",
    "/adgang/",
    "/myndighedsinformation/",
    "/tilbagekald/",
    "/statistik/",
    "/flyt-post/",
    "/healthz",
    "/readyz",
]


@pytest.mark.parametrize("path", SPEC_PATHS)
def test_spec_path_resolves_to_a_declared_view(path):
    match = resolve(path)
    assert declared_access(match.func) is not None


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/login/"])
def test_public_spec_paths_need_no_login(db, path):
    assert Client().get(path).status_code in {200, 503}
