"""Tenant isolation of every system URL (SPEC §1: another organisation's data answers 404;
a page without the right answers 403; issue 3 acceptance "every system URL")."""

import pytest

from adgang.audit.models import ActionLogEntry
from adgang.systems.models import MailSystem
from adgang.systems.services import Activation
from adgang.testing import assert_tenant_isolated
from tests.support.systems_details import system_make

# Every URL below /systemtilslutning/<id>/ (adgang/systems/urls.py), GET and POST alike.
SYSTEM_URLS = [
    "",
    "pdf/",
    "kvittering/",
    "kvittering/pdf/",
    "rediger/system/",
    "rediger/tilslutning/",
    "rediger/aktivering/",
    "rediger/kontakt/",
    "slet/",
    "primaersystem/",
    "forny-api-key/",
]
POSTS = {
    "rediger/system/": {"name": "Overtaget", "types": ["receiver"]},
    "rediger/tilslutning/": {"protocol": "REST_PULL", "ips": "203.0.113.66"},
    "rediger/aktivering/": {"activation": "never"},
    "rediger/kontakt/": {
        "contact_name": "Ond",
        "contact_email": "ond@example.com",
        "contact_phone": "+45 33 12 34 56",
    },
}


@pytest.fixture
def alices(personas):
    """Two receivers of Kommune A, so that "Vælg som primærsystem" applies to the second."""
    system_make(personas.alice, name="Primær", activation=Activation.NOW)
    return system_make(personas.alice, name="Alices system", activation=Activation.NOW).system


def state() -> tuple:
    return tuple(MailSystem.objects.order_by("pk").values_list()), ActionLogEntry.objects.count()


@pytest.mark.parametrize("suffix", SYSTEM_URLS)
def test_another_organisations_system_is_not_found(client_as, alices, suffix):
    assert_tenant_isolated(client_as("maja"), f"/systemtilslutning/{alices.pk}/{suffix}")


@pytest.mark.parametrize("suffix", SYSTEM_URLS)
def test_another_organisation_cannot_post_to_a_system(client_as, alices, suffix):
    before = state()
    assert_tenant_isolated(
        client_as("maja"),
        f"/systemtilslutning/{alices.pk}/{suffix}",
        method="post",
        data=POSTS.get(suffix, {}),
    )
    assert state() == before


@pytest.mark.parametrize("suffix", SYSTEM_URLS)
def test_the_same_person_acting_for_another_organisation_gets_404(client_as, alices, suffix):
    """Morten administers systems in both Kommune A and M; acting for M he sees none of A's."""
    client = client_as("morten_m")
    assert_tenant_isolated(client, f"/systemtilslutning/{alices.pk}/{suffix}")


@pytest.mark.parametrize("suffix", SYSTEM_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_system_urls_need_the_systemadministrator_right(client_as, alices, suffix, method):
    before = state()
    response = getattr(client_as("charlie"), method)(f"/systemtilslutning/{alices.pk}/{suffix}")
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("suffix", ["", "download/"])
def test_overview_urls_need_the_systemadministrator_right(client_as, personas, suffix):
    assert client_as("charlie").get(f"/systemtilslutning/{suffix}").status_code == 403


@pytest.mark.parametrize("suffix", SYSTEM_URLS)
def test_an_unknown_system_id_is_not_found(client_as, personas, suffix):
    url = f"/systemtilslutning/00000000-0000-4000-8000-000000000000/{suffix}"
    assert client_as("alice").get(url).status_code == 404


def test_the_owner_reaches_every_system_url(client_as, alices):
    """The 404s above are not a broken URL: the organisation's own person gets the pages."""
    client = client_as("alice")
    for suffix in SYSTEM_URLS:
        if suffix.startswith("kvittering"):
            continue  # the receipt lives only right after creation (the wizard's tests)
        response = client.get(f"/systemtilslutning/{alices.pk}/{suffix}")
        assert response.status_code == 200, suffix
