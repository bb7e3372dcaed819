"""Another organisation's contact groups answer 404 on every group page (SPEC §4, §1)."""

import pytest

from tests.support.contacts_factories import build, snapshot

PAGES = {
    "detail": "/kontaktstruktur/gruppe/{pk}/",
    "edit": "/kontaktstruktur/gruppe/{pk}/rediger/",
    "delete": "/kontaktstruktur/gruppe/{pk}/slet/",
}


@pytest.fixture
def alices_group(personas):
    return build(personas.alice.organisation, groups=["Borgerservice"])["Borgerservice"]


@pytest.mark.parametrize("name", PAGES)
def test_another_organisations_group_is_not_found(client_as, alices_group, name):
    assert client_as("maja").get(PAGES[name].format(pk=alices_group.pk)).status_code == 404


@pytest.mark.parametrize("name", ["edit", "delete"])
def test_a_post_to_another_organisations_group_is_not_found_and_changes_nothing(
    client_as, personas, alices_group, name
):
    before = snapshot(personas.alice.organisation)
    response = client_as("maja").post(
        PAGES[name].format(pk=alices_group.pk),
        {"name": "Overtaget", "description": "Overtaget", "confirm": "on"},
    )
    assert response.status_code == 404
    assert snapshot(personas.alice.organisation) == before


@pytest.mark.parametrize("name", ["detail", "edit"])
def test_the_owner_reaches_the_group(client_as, alices_group, name):
    # The same URLs work for Alice, so the 404 above is about the organisation.
    assert client_as("alice").get(PAGES[name].format(pk=alices_group.pk)).status_code == 200


def test_the_overview_links_to_no_other_organisations_group(client_as, alices_group):
    assert str(alices_group.pk) not in client_as("maja").get("/kontaktstruktur/").content.decode()
