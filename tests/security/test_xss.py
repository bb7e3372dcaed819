"""Reflected XSS and open redirects, generated over every browser route (issue 10; ASVS 5.3.3,
5.1.5).

For every route, as a person who may use it, the test first *discovers* which query
parameters and which form fields the view reads (every key looked up in `request.GET` or
`request.POST` — forms, filters, search fields, `next` …, recorded by wrapping QueryDict), then
sends each hostile payload in each of them: the HTML that comes back (after following any
redirect) never holds the payload raw, only escaped, and no `href`/`src`/`action` carries a
`javascript:` URL. A route naming an object by id is opened with an object its persona owns
(Kommune M's, as Maja or Morten; Leverandør T's template as Tina) so the page renders; where
no owner in the demo holds the right, the route answers 404 before reading anything.

Open redirects: every route, GET and POST, with hostile `next` values: any redirect stays on
the portal (a path on the same host), also after a real login.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.http import QueryDict
from django.utils.html import escape

from tests.security.oracle import PERSONAS, PROBES, ROUTES, concrete_url, expected_allowed

PAYLOADS = (
    '"><script>alert(1)</script>',
    "'\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</textarea><svg onload=alert(1)>",
)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
# Routes whose POST ends the persona's session or is a one-way door; still tested by GET.
POST_SKIPPED = {"logout/"}
OWNERS = ("maja", "morten_m", "tina")


class Reads:
    """The keys views look up in any QueryDict while the recorder is on."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def install(self, monkeypatch) -> None:
        original = {
            name: getattr(QueryDict, name)
            for name in ("get", "getlist", "__getitem__", "__contains__")
        }
        keys = self.keys

        def recording(name):
            def read(self, key, *args, **kwargs):
                if isinstance(key, str):
                    keys.add(key)
                return original[name](self, key, *args, **kwargs)

            return read

        for name in original:
            monkeypatch.setattr(QueryDict, name, recording(name))


def allowed_persona(route, access) -> str | None:
    if not access.login:
        return None
    return next(p for p in PERSONAS[1:] if expected_allowed(route, access, p))


CASES = [
    pytest.param(route, access, id=route or "/")
    for route, access in ROUTES
    if route not in PROBES and route != "i18n/setlang/"  # Django's own view, tested below
]
POST_CASES = [case for case in CASES if case.values[0] not in POST_SKIPPED]


def client_for(world, browser, route, access):
    """(client, url) of a person who may use the route, with an object it owns if any."""
    url = concrete_url(route, world.foreign)
    client = browser(allowed_persona(route, access))
    if "<uuid:" in route:
        for owner in OWNERS:
            candidate = browser(owner)
            if candidate.get(url).status_code == 200:
                return candidate, url
    return client, url


def discover(client, url, monkeypatch, *, method: str) -> set[str]:
    reads = Reads()
    with monkeypatch.context() as patch:
        reads.install(patch)
        if method == "get":
            client.get(url)
        else:
            client.post(url, {})
    return reads.keys


def assert_no_raw_payload(response, payload: str, where: str) -> None:
    if "text/html" not in response.get("Content-Type", ""):
        return  # downloads and JSON are not rendered as HTML (nosniff on every response)
    body = response.content.decode(errors="replace")
    if escape(payload) != payload:  # "javascript:…" is harmless as text; see the URL check
        assert payload not in body, f"{where}: the payload came back raw"
    assert not JAVASCRIPT_URL.search(body), f"{where}: a javascript: URL in an attribute"


@pytest.mark.parametrize(("route", "access"), CASES)
def test_query_parameters_never_come_back_raw(world, browser, monkeypatch, route, access):
    client, url = client_for(world, browser, route, access)
    keys = discover(client, url, monkeypatch, method="get") | {"next", "q"}
    for key in sorted(keys):
        for payload in PAYLOADS:
            response = client.get(url, {key: payload}, follow=True)
            assert_no_raw_payload(response, payload, f"GET {url}?{key}=")


class PageForms(HTMLParser):
    """The POST forms of a page: their action and every named field with its value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._current = {}
                self.forms.append((attrs.get("action", ""), self._current))
            else:
                self._current = None
        elif tag in {"input", "select", "textarea", "button"} and self._current is not None:
            name = attrs.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            kind = attrs.get("type", "text").lower()
            if kind in {"checkbox", "radio", "submit"} and name in self._current:
                return
            self._current[name] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def page_forms(client, url) -> list[tuple[str, dict[str, str]]]:
    """The page's own POST forms, after its redirects (a wizard opens on its first step)."""
    response = client.get(url, follow=True)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    final = response.redirect_chain[-1][0] if response.redirect_chain else url
    final = urlsplit(final).path
    parser = PageForms()
    parser.feed(response.content.decode(errors="replace"))
    return [
        (action or final, fields)
        for action, fields in parser.forms
        if urlsplit(action).path in {"", url, final}
    ]


@pytest.mark.parametrize(("route", "access"), POST_CASES)
def test_form_fields_are_never_echoed_raw(world, browser, monkeypatch, route, access):
    """Every field of every POST form the page shows (its other fields as the page filled
    them in), plus every key the view reads from an empty POST, one at a time and all at
    once; the answer, after any redirect, never holds the payload raw."""
    client, url = client_for(world, browser, route, access)
    forms = page_forms(client, url)
    read = discover(client, url, monkeypatch, method="post") - {"csrfmiddlewaretoken"}
    forms.append((url, dict.fromkeys(read, "")))
    for target, fields in forms:
        for payload in PAYLOADS:
            hostile = dict.fromkeys(fields, payload)
            response = client.post(target, hostile, follow=True)
            assert_no_raw_payload(response, payload, f"POST {target} (all fields)")
            for key in sorted(fields):
                response = client.post(target, {**fields, key: payload}, follow=True)
                assert_no_raw_payload(response, payload, f"POST {target} ({key})")


# -- open redirects ------------------------------------------------------------------------

HOSTILE_NEXT = (
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
    "https://testserver@evil.example/",
)


def assert_stays_on_the_portal(response, where: str) -> None:
    if response.status_code not in (301, 302, 303, 307, 308):
        return
    location = response["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, f"{where}: redirect to {location!r}"
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize(("route", "access"), CASES)
def test_next_never_redirects_off_the_portal_by_get(world, browser, route, access):
    client, url = client_for(world, browser, route, access)
    for target in HOSTILE_NEXT:
        assert_stays_on_the_portal(client.get(url, {"next": target}), f"GET {url}")


@pytest.mark.parametrize(("route", "access"), POST_CASES)
def test_next_never_redirects_off_the_portal_by_post(world, browser, route, access):
    client, url = client_for(world, browser, route, access)
    for target in HOSTILE_NEXT:
        assert_stays_on_the_portal(client.post(url, {"next": target}), f"POST {url}")


def test_the_publish_toggle_with_a_malformed_template_id_answers_404(world, browser):
    response = browser("sune").post(
        "/systemtilslutning/standardsystemer/", {"template": "ikke-et-id", "publish": "1"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_with_a_hostile_next_lands_on_the_overview(world, browser, target):
    person = str(world.memberships["bob"].person_id)
    response = browser(None).post("/login/", {"person": person, "next": target})
    assert response.status_code == 302
    assert_stays_on_the_portal(response, "POST /login/")
    response = browser(None).post(f"/login/?{urlencode({'next': target})}", {"person": person})
    assert response.status_code == 302
    assert_stays_on_the_portal(response, "POST /login/?next=")


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_context_switch_and_language_switch_stay_on_the_portal(world, browser, target):
    dorte = browser("dorte")
    own = world.memberships["dorte"].organisation_id
    response = dorte.post("/skift-kontekst/", {"organisation": str(own), "next": target})
    assert_stays_on_the_portal(response, "POST /skift-kontekst/")
    response = dorte.post("/i18n/setlang/", {"language": "en", "next": target})
    assert_stays_on_the_portal(response, "POST /i18n/setlang/")
    response = dorte.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER=target)
    assert_stays_on_the_portal(response, "POST /i18n/setlang/ (Referer)")
