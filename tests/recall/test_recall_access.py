"""Who may use Tilbagekald (SPEC §1): a Systemadministrator of an authority. Without the
right, or in a company, every page answers 403; another organisation's search answers 404;
nothing is recalled either way."""

import pytest

from adgang.accounts.access import ACCESS_ATTRIBUTE, Access
from adgang.recall import views
from adgang.testing import assert_tenant_isolated
from adgang.ui.navigation import SECTIONS_BY_KEY
from tests.recall.conftest import recall_writes, snapshot

pytestmark = pytest.mark.django_db

URL = "/tilbagekald/"


def found_token(client, message) -> str:
    response = client.post(URL, {"message_id": str(message.pk)})
    assert response.status_code == 302
    return response["Location"].split("/")[2]


@pytest.mark.parametrize("who", ["bob", "charlie", "lars", "erik", "birgitte", "dorte"])
def test_without_the_right_or_as_a_company_every_page_answers_403(client_as, held, who):
    # Birgitte is Systemadministrator, but of a company: recall is for authorities only.
    owner = client_as("alice")
    token = found_token(owner, held)
    before = snapshot(held)
    client = client_as(who)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"message_id": str(held.pk)}).status_code == 403
    assert client.get(f"{URL}{token}/").status_code == 403
    assert client.get(f"{URL}{token}/bekraeft/").status_code == 403
    assert client.post(f"{URL}{token}/bekraeft/").status_code == 403
    assert snapshot(held) == before
    assert recall_writes() == (0, 0)


def test_the_pages_need_a_login(client, held):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.post(URL, {"message_id": str(held.pk)}).status_code == 302
    assert recall_writes() == (0, 0)


def test_the_views_declare_what_the_tab_shows():
    tab = SECTIONS_BY_KEY["tilbagekald"].access
    expected = Access(login=True, rights=("systemadministrator",), kinds=("myndighed",))
    assert tab == expected
    for view in (views.search, views.found, views.confirm):
        assert getattr(view, ACCESS_ATTRIBUTE) == expected


def test_a_search_of_one_organisation_answers_404_in_another(client_as, personas, held):
    # Morten is Systemadministrator in Kommune A and in Kommune M.
    client = client_as("morten")
    token = found_token(client, held)
    switched = client.post("/skift-kontekst/", {"organisation": str(personas.maja.organisation_id)})
    assert switched.status_code == 302
    before = snapshot(held)  # the switch itself is in the action log

    assert_tenant_isolated(client, f"{URL}{token}/")
    assert_tenant_isolated(client, f"{URL}{token}/bekraeft/")
    assert_tenant_isolated(client, f"{URL}{token}/bekraeft/", method="post")
    assert snapshot(held) == before
    assert recall_writes() == (0, 0)


def test_another_persons_search_answers_404(client_as, held):
    token = found_token(client_as("alice"), held)
    other = client_as("morten")  # same organisation, other session

    assert_tenant_isolated(other, f"{URL}{token}/")
    assert_tenant_isolated(other, f"{URL}{token}/bekraeft/", method="post")
    assert recall_writes() == (0, 0)


@pytest.mark.parametrize("token", ["a" * 22, "x", "0123456789abcdef0123"])
def test_an_invented_token_answers_404(client_as, held, token):
    client = client_as("alice")
    found_token(client, held)

    assert client.get(f"{URL}{token}/").status_code == 404
    assert client.post(f"{URL}{token}/bekraeft/").status_code == 404
    assert recall_writes() == (0, 0)


def test_the_tab_and_card_are_shown_to_an_authoritys_systemadministrator_only(client_as):
    assert 'data-tab="tilbagekald"' in client_as("alice").get("/oversigt/").content.decode()
    for who in ("bob", "birgitte"):
        assert 'data-tab="tilbagekald"' not in client_as(who).get("/oversigt/").content.decode()
