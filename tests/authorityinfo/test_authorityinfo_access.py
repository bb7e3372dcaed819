"""Who may use Myndighedsinformation (SPEC §1, guide §11.2): Systemadministrator or
Kontaktstrukturadministrator of an authority; another organisation's data is never seen or
changed (tenant isolation)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from adgang.accounts import rights as r
from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.authorityinfo import services
from adgang.authorityinfo.models import AuthorityInfo
from adgang.testing import assert_tenant_isolated, login
from tests.authorityinfo import pngs

PAGE = "/myndighedsinformation/"
URLS = [
    PAGE,
    "/myndighedsinformation/link/",
    "/myndighedsinformation/link/slet/",
    "/myndighedsinformation/logo/",
    "/myndighedsinformation/logo/slet/",
]
A_LINK = "https://www.kommune-a.dk/privatlivspolitik"


@pytest.fixture
def kommune_a_info(personas):
    """Kommune A with a link and a logo, saved as Alice."""
    actor = Actor(personas.alice.actor_id, personas.alice.organisation.cvr, personas.alice.rid)
    organisation = personas.alice.organisation
    services.privacy_link_set(actor=actor, organisation=organisation, link=A_LINK)
    return services.logo_set(
        actor=actor, organisation=organisation, content=pngs.png(300), filename="a.png"
    )


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("name", ["alice", "morten", "maja"])
def test_administrators_of_an_authority_open_every_page(client_as, name, url):
    response = client_as(name).get(url)

    assert response.status_code in (200, 302)  # the delete pages go back when nothing is set


def test_a_kontaktstrukturadministrator_alone_may_use_it(personas):
    membership = Membership.objects.get(pk=personas.alice.pk)
    membership.rights = [r.KONTAKTSTRUKTURADMINISTRATOR]
    membership.save()

    assert login(Client(), membership).get(PAGE).status_code == 200


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("name", ["charlie", "bob", "lars", "sofie", "erik"])
def test_people_without_the_right_get_403(client_as, name, url):
    assert client_as(name).get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_a_company_gets_403_even_with_the_right(client_as, url):
    assert client_as("birgitte").get(url).status_code == 403


def test_a_company_cannot_post_a_link_or_a_logo(client_as):
    client = client_as("birgitte")

    assert client.post(URLS[1], {"link": A_LINK, "action": "gem"}).status_code == 403
    logo = SimpleUploadedFile("logo.png", pngs.png(300), "image/png")
    assert client.post(URLS[3], {"logo": logo}).status_code == 403
    assert AuthorityInfo.objects.count() == 0


def test_no_right_cannot_post_either(client_as):
    client = client_as("charlie")

    assert client.post(URLS[1], {"link": A_LINK, "action": "gem"}).status_code == 403
    assert client.post(URLS[4]).status_code == 403
    assert AuthorityInfo.objects.count() == 0


def test_not_logged_in_goes_to_the_login_page(db):
    response = Client().get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_service_refuses_a_company_whatever_the_caller(personas):
    actor = Actor(personas.birgitte.actor_id, personas.birgitte.organisation.cvr, "3001")

    with pytest.raises(services.AuthorityInfoRefused):
        services.privacy_link_set(
            actor=actor, organisation=personas.birgitte.organisation, link=A_LINK
        )
    assert AuthorityInfo.objects.count() == 0


def test_kommune_m_does_not_see_kommune_as_link_or_logo(client_as, kommune_a_info):
    client = client_as("maja")

    for url in (PAGE, URLS[1], URLS[3]):
        body = client.get(url).content.decode()
        assert A_LINK not in body
        assert str(kommune_a_info.pk) not in body
    assert_tenant_isolated(client, f"/myndighedsinformation/logo/{kommune_a_info.pk}.png")


def test_kommune_m_cannot_change_or_delete_kommune_as_data(client_as, personas, kommune_a_info):
    client = client_as("maja")

    client.post(URLS[2])  # delete link
    client.post(URLS[4])  # delete logo
    client.post(URLS[1], {"link": "https://kommune-m.dk/privatliv", "action": "gem"})

    a = AuthorityInfo.objects.get(organisation=kommune_a_info.organisation)
    assert a.privacy_link == A_LINK and a.has_logo
    m = AuthorityInfo.objects.get(organisation__cvr=personas.maja.organisation.cvr)
    assert m.privacy_link == "https://kommune-m.dk/privatliv" and not m.has_logo


def test_the_preview_of_an_unknown_id_is_404(client_as, kommune_a_info):
    client = client_as("alice")

    assert client.get(f"/myndighedsinformation/logo/{kommune_a_info.pk}.png").status_code == 200
    assert_tenant_isolated(
        client, "/myndighedsinformation/logo/00000000-0000-0000-0000-000000000000.png"
    )
