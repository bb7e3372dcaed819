"""Tabs, overview cards and header per persona (SPEC §1 rights table, §2 shell).

The expected tables are written out by hand from SPEC §1 (not computed from the navigation
registry), so a wrong declaration in the registry fails here.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from adgang.accounts import services
from adgang.accounts.rights import BORGERSERVICE
from adgang.testing import login
from tests.support.navigation_expectations import EXPECTED_LOGS, EXPECTED_TABS, LOGS, PAGES

PERSONAS = (
    "alice",
    "bob",
    "lars",
    "lene",
    "leif",
    "sofie",
    "erik",
    "charlie",
    "morten",
    "morten_m",
    "maja",
    "birgitte",
    "sune",
    "dorte",
)

AUTHORITY_ONLY = (
    "kontaktstruktur",
    "tilbagekald",
    "flyt-post",
    "myndighedsinformation",
    "fritag-borger",
    "fritag-virksomhed",
    "nemsms-borger",
    "nemsms-virksomhed",
    "adgang",
)

HEADERS = {
    "alice": (
        "Alice Andersen",
        "Systemadministrator, Kontaktstrukturadministrator",
        "Kommune A (CVR: 31415926)",
    ),
    "charlie": ("Charlie Christensen", "Ingen rettigheder", "Kommune A (CVR: 31415926)"),
    "morten_m": (
        "Morten Mikkelsen",
        "Systemadministrator, Logadministrator – meddelelser",
        "Kommune M (CVR: 27182828)",
    ),
    "birgitte": (
        "Birgitte Bach",
        "Systemadministrator, Statistikadministrator",
        "Virksomhed B ApS (CVR: 16180335)",
    ),
    "dorte": ("Dorte Dahl", "Systemforvalter", "Digitaliseringsstyrelsen (CVR: 34051178)"),
}


class _TestIdText(HTMLParser):
    """Text of every element with a data-testid, keyed by that id (first occurrence)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str | None, list[str]]] = []
        self.texts: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "use", "path"}:
            return
        self.open.append((dict(attrs).get("data-testid"), []))

    def handle_endtag(self, tag):
        if tag in {"br", "img", "input", "meta", "link", "use", "path"} or not self.open:
            return
        testid, parts = self.open.pop()
        text = " ".join("".join(parts).split())
        if self.open:
            self.open[-1][1].append("".join(parts))
        if testid and testid not in self.texts:
            self.texts[testid] = text

    def handle_data(self, data):
        if self.open:
            self.open[-1][1].append(data)


def texts_by_testid(html: str) -> dict[str, str]:
    parser = _TestIdText()
    parser.feed(html)
    return parser.texts


def tabs(html: str) -> list[str]:
    return re.findall(r'data-tab="([^"]+)"', html)


def cards(html: str) -> list[str]:
    return re.findall(r'data-card="([^"]+)"', html)


@pytest.fixture
def overview(client_as):
    """`overview("alice")` → (client, the overview page's HTML)."""

    def get(persona: str):
        client = client_as(persona)
        response = client.get("/oversigt/")
        assert response.status_code == 200
        return client, response.content.decode()

    return get


@pytest.mark.parametrize("persona", PERSONAS)
def test_tabs_are_exactly_those_the_rights_allow(overview, persona):
    _, html = overview(persona)
    assert tabs(html) == EXPECTED_TABS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_overview_cards_are_the_tabs_beyond_the_overview(overview, persona):
    _, html = overview(persona)
    assert cards(html) == EXPECTED_TABS[persona][1:]


@pytest.mark.parametrize("persona", PERSONAS)
def test_shown_tabs_open_and_hidden_tabs_answer_403(overview, persona):
    client, _ = overview(persona)
    answers = {key: client.get(path).status_code for key, path in PAGES.items()}
    expected = {key: 200 if key in EXPECTED_TABS[persona] else 403 for key in PAGES}
    assert answers == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_log_opens_only_for_its_rights(client_as, persona):
    client = client_as(persona)
    answers = {log: client.get(f"/haendelseslog/{log}/").status_code for log in LOGS}
    expected = {log: 200 if log in EXPECTED_LOGS.get(persona, ()) else 403 for log in LOGS}
    assert answers == expected


def test_event_log_page_lists_only_the_logs_the_person_may_open(client_as):
    html = client_as("bob").get("/haendelseslog/").content.decode()
    assert 'href="/haendelseslog/meddelelser/"' in html
    assert 'href="/haendelseslog/handlinger/"' in html
    assert 'href="/haendelseslog/soegninger/"' not in html


def test_person_without_rights_is_told_so_on_the_overview(overview):
    _, html = overview("charlie")
    assert "Du har ingen rettigheder i denne organisation." in html


@pytest.mark.parametrize("key", AUTHORITY_ONLY)
def test_authority_only_pages_are_hidden_from_a_company_and_answer_403(overview, key):
    client, html = overview("birgitte")
    assert key not in tabs(html)
    assert key not in cards(html)
    assert client.get(PAGES[key]).status_code == 403


def test_company_caseworker_gets_the_event_log_but_no_authority_pages(personas):
    user = services.testportal_user_upsert(
        cvr="16180335",
        org_name="Virksomhed B ApS",
        org_kind="virksomhed",
        rid="3099",
        name="Viggo Virk",
        rights=[BORGERSERVICE],
    )
    client = login(Client(), user.membership)
    html = client.get("/oversigt/").content.decode()
    assert tabs(html) == ["oversigt", "haendelseslog"]
    for key in ("fritag-borger", "fritag-virksomhed", "nemsms-borger", "adgang"):
        assert client.get(PAGES[key]).status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_skift_virksomhed_is_offered_only_to_morten_and_dorte(overview, persona):
    _, html = overview(persona)
    offered = "switch-context" in texts_by_testid(html)
    assert offered == (persona in {"morten", "morten_m", "dorte"})
    if offered:
        assert texts_by_testid(html)["switch-context"] == "Skift virksomhed"


@pytest.mark.parametrize("persona", sorted(HEADERS))
def test_header_shows_person_rights_and_organisation(overview, persona):
    _, html = overview(persona)
    texts = texts_by_testid(html)
    name, rights, organisation = HEADERS[persona]
    assert name in texts["header-user"]
    assert texts["header-rights"] == rights
    assert texts["header-org"] == organisation


def test_header_shows_the_support_phone_from_settings(client_as, settings):
    settings.ADGANG_SUPPORT_PHONE = "70 12 34 56"
    html = client_as("alice").get("/oversigt/").content.decode()
    assert 'href="tel:+4570123456"' in html
    assert ">70 12 34 56</a>" in html


def test_current_tab_is_marked(client_as):
    html = client_as("sofie").get("/statistik/").content.decode()
    current = re.findall(r'<a [^>]*data-tab="([^"]+)"[^>]*aria-current="page"', html)
    assert current == ["statistik"]


def test_login_page_has_no_tabs_and_no_user(db):
    html = Client().get("/login/").content.decode()
    assert tabs(html) == []
    assert "header-user" not in texts_by_testid(html)
