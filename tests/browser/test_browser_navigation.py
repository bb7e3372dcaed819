"""Each persona sees exactly the tabs and cards their rights open, and nothing else (SPEC §1, §2).

The expected sets are written out here from the rules of SPEC §1/§2, not computed from
adgang/ui/navigation.py, so that a wrong registry entry fails this test:

- Systemtilslutning ← systemadministrator
- Kontaktstruktur ← kontaktstrukturadministrator (myndighed only)
- Tilbagekald, Flyt post ← systemadministrator (myndighed only)
- Myndighedsinformation ← systemadministrator or kontaktstrukturadministrator (myndighed only)
- Hændelseslog ← any logadministrator right, borgerservice- or erhvervsservicemedarbejder
- Statistik ← statistikadministrator
- Fritag borger, NemSMS borger, Adgang ← borgerservicemedarbejder (myndighed only)
- Fritag virksomhed, NemSMS virksomhed ← borgerservice- or erhvervsservicemedarbejder
  (myndighed only)
- Oversigt always; systemforvalter opens no tab but offers "Skift virksomhed", as does
  having several organisations.
"""

from dataclasses import dataclass

import pytest

from tests.support.navigation_expectations import EXPECTED_LOGS, EXPECTED_TABS, LOGS, PAGES

PATHS = PAGES


@dataclass(frozen=True)
class Expected:
    name: str
    org: str
    rights: str
    tabs: tuple[str, ...]
    may_switch: bool = False

    @property
    def cards(self) -> tuple[str, ...]:
        return tuple(t for t in self.tabs if t != "oversigt")


KOMMUNE_A = "Kommune A (CVR: 31415926)"
KOMMUNE_M = "Kommune M (CVR: 27182828)"


def _tabs(name: str) -> tuple[str, ...]:
    return tuple(EXPECTED_TABS[name])


EXPECTED = {
    # Kommune A (myndighed)
    "alice": Expected(
        "Alice Andersen",
        KOMMUNE_A,
        "Systemadministrator, Kontaktstrukturadministrator",
        _tabs("alice"),
    ),
    "bob": Expected("Bob Berg", KOMMUNE_A, "Borgerservicemedarbejder", _tabs("bob")),
    "lars": Expected("Lars Lund", KOMMUNE_A, "Logadministrator – meddelelser", _tabs("lars")),
    "lene": Expected(
        "Lene Larsen",
        KOMMUNE_A,
        "Logadministrator – medarbejder- og systemhandlinger",
        _tabs("lene"),
    ),
    "leif": Expected(
        "Leif Lauridsen", KOMMUNE_A, "Logadministrator – medarbejdersøgninger", _tabs("leif")
    ),
    "sofie": Expected("Sofie Schmidt", KOMMUNE_A, "Statistikadministrator", _tabs("sofie")),
    "erik": Expected("Erik Eriksen", KOMMUNE_A, "Erhvervsservicemedarbejder", _tabs("erik")),
    "charlie": Expected("Charlie Christensen", KOMMUNE_A, "Ingen rettigheder", _tabs("charlie")),
    # Morten acts for Kommune A first (the first of his organisations by name).
    "morten": Expected(
        "Morten Mikkelsen", KOMMUNE_A, "Systemadministrator", _tabs("morten"), may_switch=True
    ),
    # Kommune M (myndighed)
    "maja": Expected(
        "Maja Madsen",
        KOMMUNE_M,
        "Systemadministrator, Kontaktstrukturadministrator",
        _tabs("maja"),
    ),
    # Virksomhed B and Leverandør S (virksomheder): no authority-only tabs.
    "birgitte": Expected(
        "Birgitte Bach",
        "Virksomhed B ApS (CVR: 16180335)",
        "Systemadministrator, Statistikadministrator",
        _tabs("birgitte"),
    ),
    "sune": Expected(
        "Sune Storm", "Leverandør S A/S (CVR: 13572461)", "Systemadministrator", _tabs("sune")
    ),
    "tina": Expected(
        "Tina Thomsen", "Leverandør T ApS (CVR: 24681351)", "Systemadministrator", _tabs("tina")
    ),
    # Digitaliseringsstyrelsen: the Systemforvalter has no tab but may switch to any CVR.
    "dorte": Expected(
        "Dorte Dahl",
        "Digitaliseringsstyrelsen (CVR: 34051178)",
        "Systemforvalter",
        _tabs("dorte"),
        may_switch=True,
    ),
}
PERSONAS = list(EXPECTED)


def assert_shell_shows(page, shell, expected: Expected) -> None:
    assert shell.name() == expected.name
    assert shell.rights() == expected.rights
    assert shell.org() == expected.org
    assert shell.tabs() == list(expected.tabs)
    assert page.get_by_test_id("switch-context").count() == int(expected.may_switch)


def test_login_page_lists_every_demo_person(page):
    page.goto("/login/")
    listed = page.locator("[data-testid=test-people] tbody th[scope=row]").all_inner_texts()
    assert sorted(listed) == sorted(e.name for e in EXPECTED.values())


@pytest.mark.parametrize("name", PERSONAS)
def test_persona_sees_exactly_their_tabs_cards_and_header(page, login_as, shell, name):
    expected = EXPECTED[name]
    login_as(name)

    assert page.url.endswith("/oversigt/")
    assert page.locator("h1").inner_text() == "Oversigt"
    assert_shell_shows(page, shell, expected)
    assert shell.cards() == list(expected.cards)
    tab_links = page.locator("[data-testid=tabs] [data-tab]")
    assert tab_links.evaluate_all("els => els.map(e => e.getAttribute('href'))") == [
        PATHS[key] for key in expected.tabs
    ]
    card_links = page.locator("[data-card]")
    assert card_links.evaluate_all("els => els.map(e => e.getAttribute('href'))") == [
        PATHS[key] for key in expected.cards
    ]


def test_person_without_rights_is_told_so_on_the_overview(page, login_as):
    login_as("charlie")
    assert page.locator("main .alert-info").inner_text().strip() == (
        "Du har ingen rettigheder i denne organisation. Kontakt din rettighedsadministrator, "
        "hvis du skal bruge Administrativ Adgang."
    )


@pytest.mark.parametrize("name", PERSONAS)
def test_every_tab_of_persona_opens_its_page(page, login_as, shell, name):
    expected = EXPECTED[name]
    login_as(name)
    for key in expected.tabs:
        with page.expect_navigation() as navigation:
            page.locator(f'[data-testid=tabs] [data-tab="{key}"]').click()
        assert navigation.value.status == 200, key
        assert page.url.endswith(PATHS[key]), key
        current = page.locator('[data-testid=tabs] [aria-current="page"]')
        assert current.get_attribute("data-tab") == key
        assert shell.tabs() == list(expected.tabs), key


@pytest.mark.parametrize("name", PERSONAS)
def test_tab_persona_lacks_answers_403_with_danish_error_page(page, login_as, page_errors, name):
    page_errors.allow("the server responded with a status of 403")
    login_as(name)
    forbidden = [key for key in PATHS if key not in EXPECTED[name].tabs]
    for key in forbidden:
        response = page.goto(PATHS[key])
        assert response.status == 403, key
        assert page.locator("h1").inner_text() == "Ingen adgang", key
        assert page.get_by_test_id("error-message").inner_text() == (
            "Du har ikke rettighed til denne side."
        ), key
        assert page.locator("html").get_attribute("lang") == "da"


@pytest.mark.parametrize("name", [n for n in EXPECTED_LOGS if n in EXPECTED])
def test_haendelseslog_shows_exactly_the_logs_the_rights_open(page, login_as, name):
    login_as(name)
    with page.expect_navigation():
        page.locator('[data-testid=tabs] [data-tab="haendelseslog"]').click()
    shown = page.locator("[data-testid=logs] [data-log]").evaluate_all(
        "els => els.map(e => e.dataset.log)"
    )
    assert shown == [log for log in LOGS if log in EXPECTED_LOGS[name]]
    for key in EXPECTED_LOGS[name]:
        with page.expect_navigation() as navigation:
            page.locator(f'[data-log="{key}"]').click()
        assert navigation.value.status == 200, key
        assert page.url.endswith(f"/haendelseslog/{key}/"), key
        page.go_back()


@pytest.mark.parametrize("name", [n for n in EXPECTED_LOGS if n in EXPECTED])
def test_log_the_rights_do_not_open_answers_403(page, login_as, page_errors, name):
    page_errors.allow("the server responded with a status of 403")
    login_as(name)
    for key in LOGS:
        if key in EXPECTED_LOGS[name]:
            continue
        response = page.goto(f"/haendelseslog/{key}/")
        assert response.status == 403, key
        assert page.locator("h1").inner_text() == "Ingen adgang", key
