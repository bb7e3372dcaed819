"""Who may use Adgang (SPEC §1, §8): Borgerservicemedarbejder in an authority; another
organisation's access answers 404."""

import pytest
from django.test import Client

from adgang.accounts import rights as r
from adgang.accounts import services as account_services
from adgang.readaccess.models import ReadAccess
from adgang.registers import demo as register_demo
from adgang.testing import assert_tenant_isolated, login
from tests.readaccess.conftest import GIVER, create, search_giver

PAGES = (
    "",
    "borger/x/",
    "borger/x/opret/",
    "borger/x/opret/adgang/",
    "borger/x/opret/opsummering/",
)


@pytest.fixture
def mads(personas):
    """A Borgerservicemedarbejder of Kommune M (another authority)."""
    return account_services.testportal_user_upsert(
        cvr=register_demo.KOMMUNE_M.cvr,
        org_name=register_demo.KOMMUNE_M.name,
        org_kind="myndighed",
        rid="2101",
        name="Mads Mikkelsen",
        rights=[r.BORGERSERVICE],
    ).membership


@pytest.fixture
def birgitte_borgerservice(personas):
    """Virksomhed B (a company) with a person holding the right: still refused (kinds)."""
    return account_services.testportal_user_upsert(
        cvr=register_demo.VIRKSOMHED_B.cvr,
        org_name=register_demo.VIRKSOMHED_B.name,
        org_kind="virksomhed",
        rid="3101",
        name="Bent Bach",
        rights=[r.BORGERSERVICE],
    ).membership


@pytest.mark.parametrize("persona", ["erik", "charlie", "alice", "lars"])
@pytest.mark.parametrize("page", PAGES)
def test_without_the_right_every_page_answers_403(client_as, persona, page):
    assert client_as(persona).get(f"/adgang/{page}").status_code == 403
    assert client_as(persona).post(f"/adgang/{page}", {}).status_code == 403


def test_erhvervsservice_cannot_search_a_citizen(client_as):
    response = client_as("erik").post("/adgang/", {"giver-cpr": GIVER.cpr})
    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_a_company_organisation_is_refused_even_with_the_right(birgitte_borgerservice, page):
    client = login(Client(), birgitte_borgerservice)
    assert client.get(f"/adgang/{page}").status_code == 403


def test_borgerservice_in_an_authority_may(client_as):
    assert client_as("bob").get("/adgang/").status_code == 200


def test_an_anonymous_visitor_is_sent_to_login(db):
    response = Client().get("/adgang/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_organisations_access_answers_404(client_as, personas, mads):
    access = create(personas)
    client = login(Client(), mads)
    giver_url = search_giver(client)
    assert_tenant_isolated(client, f"{giver_url}ophaev/{access.pk}/")
    assert_tenant_isolated(client, f"{giver_url}ophaev/{access.pk}/", method="post")
    access.refresh_from_db()
    assert access.ended_at is None
    page = client.get(giver_url).content.decode()
    assert access.holder_name not in page
    assert "1 aktiv adgang oprettet af en anden myndighed" in page


def test_another_sessions_or_organisations_giver_key_answers_404(client_as, mads):
    bob = client_as("bob")
    giver_url = search_giver(bob)
    other = login(Client(), mads)
    for suffix in ("", "opret/", "opret/adgang/", "opret/opsummering/"):
        assert_tenant_isolated(other, giver_url + suffix)


def test_an_access_of_another_giver_answers_404_under_this_giver(client_as, personas):
    access = create(personas, giver=register_demo.CITIZEN_NO_ADDRESS)
    client = client_as("bob")
    giver_url = search_giver(client)
    assert client.get(f"{giver_url}ophaev/{access.pk}/").status_code == 404
    assert client.get(f"{giver_url}ophaev/not-a-uuid/").status_code == 404
    assert ReadAccess.objects.get().ended_at is None
