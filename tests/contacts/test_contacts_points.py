"""A contact point's details page, "Redigér" (the wizard's steps from its summary), deletion,
QR downloads, and who may reach them (SPEC §4, guide §6.3)."""

import pytest

from adgang.contacts import services
from adgang.contacts.models import ContactPoint
from tests.support.contacts_factories import actor_for, log_fields, point_spec, receiver_new
from tests.support.contacts_wizard import (
    ACCESSIBILITY,
    CONNECTION,
    DESCRIPTION,
    MARKUP,
    SUMMARY,
    PointWizard,
    current_step,
    field_error,
    shown_value,
    summary_values,
)


def create(membership, **overrides) -> ContactPoint:
    organisation = membership.organisation
    return services.point_create(
        actor=actor_for(organisation), organisation=organisation, spec=point_spec(**overrides)
    )


@pytest.fixture
def group(personas):
    organisation = personas.alice.organisation
    return services.group_create(
        actor=actor_for(organisation),
        organisation=organisation,
        name="Borgerservice",
        description="Alt om borgerservice",
    )


@pytest.fixture
def point(personas, group):
    return create(
        personas.alice,
        group_ids=(group.pk,),
        targets=("CITIZEN", "AUTHORITY"),
        keywords=("pas", "kørekort"),
        internal_note="Kun til test",
    )


def urls(point) -> list[tuple[str, str]]:
    base = f"/kontaktstruktur/kontaktpunkt/{point.pk}"
    return [
        ("get", f"{base}/"),
        ("get", f"{base}/rediger/"),
        ("get", f"{base}/rediger/{DESCRIPTION}/"),
        ("post", f"{base}/rediger/{SUMMARY}/"),
        ("get", f"{base}/kvittering/"),
        ("get", f"{base}/kvittering/?download=pdf"),
        ("get", f"{base}/qr/citizen.svg"),
        ("get", f"{base}/qr/citizen.png"),
        ("get", f"{base}/slet/"),
        ("post", f"{base}/slet/"),
    ]


# -- details -------------------------------------------------------------------------------


def test_details_show_every_field_status_and_deep_links(client_as, point):
    response = client_as("alice").get(f"/kontaktstruktur/kontaktpunkt/{point.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    rows = summary_values(response)
    assert rows["name"] == point.name
    assert rows["internal_note"] == "Kun til test"
    assert rows["groups"] == "Borgerservice"
    assert rows["targets"] == "Borger, Myndighed"
    assert rows["keywords"] == "pas\nkørekort"
    assert f'data-testid="point-id">{point.pk}<' in content
    assert 'data-testid="point-status">Ikke aktivt<' in content
    assert "Ikke tilgængeligt" in content
    assert "Dybt link (borger)" in content
    assert "Dybt link (myndighed)" in content
    assert "Dybt link (virksomhed)" not in content
    assert content.count("<svg ") >= 2
    assert f'href="/kontaktstruktur/kontaktpunkt/{point.pk}/rediger/{MARKUP}/?reset=1"' in content


def test_details_say_available_when_active_with_an_active_receiver(client_as, personas):
    system = receiver_new(personas.alice)
    point = create(personas.alice, system_id=system.pk, active=True)
    response = client_as("alice").get(f"/kontaktstruktur/kontaktpunkt/{point.pk}/")
    assert "Tilgængeligt for målgrupperne" in response.content.decode()


# -- QR downloads --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["qr/company.svg", "qr/citizen.gif", "qr/nobody.png"])
def test_qr_of_a_target_the_point_lacks_or_an_unknown_format_is_404(client_as, point, path):
    response = client_as("alice").get(f"/kontaktstruktur/kontaktpunkt/{point.pk}/{path}")
    assert response.status_code == 404


# -- edit ----------------------------------------------------------------------------------


def test_edit_starts_at_the_summary_with_the_points_values(client_as, personas, point):
    wizard = PointWizard(client_as("alice"), personas.alice.organisation, point=point)
    response = wizard.start()
    assert current_step(response) == SUMMARY
    rows = summary_values(response)
    assert rows["name"] == point.name
    assert rows["groups"] == "Borgerservice"
    assert ">Gem</button>" in response.content.decode()


def test_edit_saves_the_changes_and_logs_them(client_as, personas, point):
    organisation = personas.alice.organisation
    wizard = PointWizard(client_as("alice"), organisation, point=point)
    wizard.start()
    response = wizard.back(SUMMARY, to=DESCRIPTION)
    assert current_step(response) == DESCRIPTION
    assert shown_value(response, "name") == point.name

    response = wizard.post(
        DESCRIPTION,
        {"name": "Pas", "description": point.description, "internal_note": "Ny note"},
    )
    assert current_step(response) == SUMMARY
    assert summary_values(response)["name"] == "Pas"
    assert ContactPoint.objects.get().name == point.name  # not saved before "Gem"

    response = wizard.post(SUMMARY, {})
    assert response.request["PATH_INFO"] == f"/kontaktstruktur/kontaktpunkt/{point.pk}/"
    assert "Ændringerne af kontaktpunktet er gemt." in response.content.decode()
    saved = ContactPoint.objects.get()
    assert (saved.name, saved.internal_note, saved.version) == ("Pas", "Ny note", 2)
    assert list(saved.groups.all()) == []  # no group chosen in the posted step
    logged = log_fields(organisation, point.pk)
    assert logged["Kontaktpunktets navn"] == ("Pas og kørekort", "Pas")
    assert logged["Kontaktgrupper"] == ("Borgerservice", "")
    assert wizard.stored() == {}


def test_edit_of_a_later_step_keeps_the_others(client_as, personas, point):
    wizard = PointWizard(client_as("alice"), personas.alice.organisation, point=point)
    response = wizard.get(ACCESSIBILITY)
    assert shown_value(response, "targets") == ["CITIZEN", "AUTHORITY"]
    wizard.post(ACCESSIBILITY, {"visibility": "hidden", "targets": ["COMPANY"]})
    wizard.post(SUMMARY, {})
    saved = ContactPoint.objects.get()
    assert (saved.visible, saved.targets) == (False, ["COMPANY"])
    assert list(saved.groups.values_list("name", flat=True)) == ["Borgerservice"]
    assert saved.keywords == ["pas", "kørekort"]


def test_edit_refuses_bad_input_next_to_the_field(client_as, personas, point):
    before = ContactPoint.objects.values().get()
    wizard = PointWizard(client_as("alice"), personas.alice.organisation, point=point)
    wizard.start()
    response = wizard.post(MARKUP, {"keywords": "hej!#?"})
    assert current_step(response) == MARKUP
    assert field_error(response, MARKUP, "keywords") == (
        "Søgeordet »hej!#?« må kun indeholde bogstaver, tal og mellemrum."
    )
    assert shown_value(response, "keywords") == "hej!#?"
    assert ContactPoint.objects.values().get() == before


def test_edit_cancel_changes_nothing(client_as, personas, point):
    before = ContactPoint.objects.values().get()
    wizard = PointWizard(client_as("alice"), personas.alice.organisation, point=point)
    wizard.start()
    wizard.post(DESCRIPTION, {"name": "Andet navn", "description": "x"})
    response = wizard.cancel(SUMMARY)
    assert response.request["PATH_INFO"] == f"/kontaktstruktur/kontaktpunkt/{point.pk}/"
    assert ContactPoint.objects.values().get() == before
    assert wizard.stored() == {}


def test_edit_from_the_details_page_starts_afresh(client_as, personas, point):
    """An edit abandoned earlier does not come back when "Redigér" is chosen again."""
    wizard = PointWizard(client_as("alice"), personas.alice.organisation, point=point)
    wizard.start()
    wizard.post(DESCRIPTION, {"name": "Halvfærdig", "description": "x"})
    response = wizard.client.get(f"{wizard.base}{DESCRIPTION}/?reset=1", follow=True)
    assert current_step(response) == DESCRIPTION
    assert shown_value(response, "name") == point.name
    response = wizard.get(SUMMARY)
    assert summary_values(response)["name"] == point.name


def test_within_an_edit_the_typed_data_is_kept(client_as, personas, point):
    wizard = PointWizard(client_as("alice"), personas.alice.organisation, point=point)
    wizard.start()
    wizard.post(DESCRIPTION, {"name": "Nyt navn", "description": "x"})
    response = wizard.get(DESCRIPTION)
    assert shown_value(response, "name") == "Nyt navn"


def test_edit_can_detach_the_system_and_deactivate(client_as, personas):
    system = receiver_new(personas.alice)
    point = create(personas.alice, system_id=system.pk, active=True)
    wizard = PointWizard(client_as("alice"), personas.alice.organisation, point=point)
    response = wizard.get(CONNECTION)
    assert str(shown_value(response, "system")) == str(system.pk)
    assert shown_value(response, "active") is True
    wizard.post(CONNECTION, {"system": ""})
    wizard.post(SUMMARY, {})
    saved = ContactPoint.objects.get()
    assert (saved.system, saved.active) == (None, False)


# -- delete --------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_and_logs(client_as, personas, point):
    client = client_as("alice")
    url = f"/kontaktstruktur/kontaktpunkt/{point.pk}/slet/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Borgerservice" in page.content.decode()
    assert ContactPoint.objects.count() == 1

    response = client.post(url, follow=True)
    assert response.request["PATH_INFO"] == "/kontaktstruktur/"
    assert ContactPoint.objects.count() == 0
    logged = log_fields(personas.alice.organisation, point.pk)
    assert logged["Kontaktpunkt"] == (point.name, "")


# -- access --------------------------------------------------------------------------------


def test_another_organisation_gets_404_on_every_point_url(client_as, point):
    client = client_as("maja")
    for method, url in urls(point):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
    assert ContactPoint.objects.get().name == point.name


@pytest.mark.parametrize("persona", ["birgitte", "charlie"])
def test_without_the_right_or_as_a_company_403(client_as, point, persona):
    client = client_as(persona)
    for method, url in [*urls(point), ("get", "/kontaktstruktur/kontaktpunkt/opret/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url)
    assert ContactPoint.objects.count() == 1
