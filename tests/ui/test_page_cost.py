"""What a main page costs the database (issue 10: pages at 50 sessions), counted, not timed.

The pages are those of the `pages` bench suite, each as the Kommune A persona the bench uses.
A page viewed again within a minute writes nothing (the session's expiry is refreshed at most
once a minute), and the shell (session, person, acting context, header) reads three rows.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from adgang.accounts import demo
from adgang.accounts.models import Membership
from adgang.core.clock import today
from adgang.testing import login
from adgang.ui.bench import PAGES, SEARCH_DAYS

START = "2026-03-02 09:00:00+01:00"
WRITES = ("INSERT", "UPDATE", "DELETE")


def page_client(page) -> tuple[Client, str]:
    membership = Membership.objects.get(organisation__cvr=demo.ORGANISATIONS["A"][0], rid=page.rid)
    client = login(Client(), membership)
    url = page.path
    if page.search:
        end = today()
        start = (end - timedelta(days=SEARCH_DAYS)).isoformat()
        url = client.post(url, {"start": start, "end": end.isoformat()})["Location"]
    return client, url


def statements(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_a_main_page_viewed_again_within_a_minute_writes_nothing(page, personas, time_machine):
    time_machine.move_to(START, tick=False)
    client, url = page_client(page)
    client.get(url)
    time_machine.shift(timedelta(seconds=30))

    sql = statements(client, url)

    assert [s for s in sql if s.lstrip().upper().startswith(WRITES)] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_the_shell_reads_the_session_the_person_and_the_membership_once(page, personas):
    client, url = page_client(page)
    client.get(url)

    sql = statements(client, url)

    assert sum('FROM "django_session"' in s for s in sql) == 1
    assert sum('FROM "accounts_person"' in s for s in sql) == 1
    # the acting membership, with the count that decides "Skift virksomhed" in a subquery
    assert sum(s.startswith('SELECT "accounts_membership"') for s in sql) == 1
    assert not any('SELECT COUNT(*) AS "__count" FROM "accounts_membership"' in s for s in sql)


def test_the_tabs_and_cards_are_reversed_once_per_process_not_per_page(client_as, monkeypatch):
    from adgang.ui import navigation

    client = client_as("alice")
    client.get("/oversigt/")  # warm
    calls = []
    real = navigation.reverse
    monkeypatch.setattr(navigation, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))

    page = client.get("/oversigt/").content.decode()

    assert calls == []
    assert 'data-tab="systemtilslutning"' in page
    assert 'href="/systemtilslutning/" data-card="systemtilslutning"' in page


def test_the_current_tab_is_marked_on_a_page_under_it(client_as):
    page = client_as("alice").get("/kontaktstruktur/").content.decode()
    current = '<li class="active current"><a href="/kontaktstruktur/" class="nav-link"'
    assert current + ' data-tab="kontaktstruktur" aria-current="page">' in page
    assert page.count('aria-current="page"') == 2  # the menu and the mobile drawer


def test_templates_are_compiled_once_per_process_with_debug_off(settings):
    from django.forms.renderers import get_default_renderer
    from django.template import engines
    from django.template.loaders.cached import Loader

    assert settings.DEBUG is False
    assert isinstance(engines["django"].engine.template_loaders[0], Loader)
    assert isinstance(get_default_renderer().engine.engine.template_loaders[0], Loader)
