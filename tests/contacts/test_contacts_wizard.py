""" "Opret kontaktpunkt" through the test client: the six steps, the receipt with deep links
and QR codes, Tilbage/Redigér/Annullér, and the server's hold on the order of the steps
(SPEC §4, guide §6.3)."""

import io
from decimal import Decimal

import defusedxml.ElementTree as ET
import pytest
from pypdf import PdfReader

from adgang.contacts import services
from adgang.contacts.models import ContactPoint
from adgang.contacts.views import points as point_views
from tests.support.contacts_factories import actor_for, log_fields, receiver_new
from tests.support.contacts_wizard import (
    ACCESSIBILITY,
    CONNECTION,
    DESCRIPTION,
    MARKUP,
    SUMMARY,
    VALID_GLN,
    PointWizard,
    current_step,
    field_error,
    shown_value,
    summary_values,
    valid_steps,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def alice(client_as, personas):
    return PointWizard(client_as("alice"), personas.alice.organisation)


@pytest.fixture
def groups(personas):
    organisation = personas.alice.organisation
    actor = actor_for(organisation)
    return [
        services.group_create(
            actor=actor, organisation=organisation, name=name, description=f"Om {name}"
        )
        for name in ("Borgerservice", "Pas")
    ]


def full_steps(groups, system) -> object:
    return valid_steps(
        description={"groups": [str(g.pk) for g in groups]},
        accessibility={
            "visibility": "hidden",
            "targets": ["CITIZEN", "COMPANY"],
            "reduce_capacity": "on",
            "max_message_mb": "45,5",
            "max_attachments": "3",
            "add_link": "on",
            "link_headline": "Selvbetjening",
            "link_description": "Bestil tid på nettet.",
            "link_text": "Bestil tid",
            "link_url": "https://www.kommune-a.dk/tid",
            "add_input_fields": "on",
            "input_fields": ["Sagsnummer", "Pasnummer"],
        },
        markup={
            "keywords": "pas\nkørekort\nPas",
            "code_form": "02.02.04",
            "code_kle": "27.24.00",
            "code_sor": "123456",
            "code_gln": VALID_GLN,
            "custom_codes": "intern-17\nborgerservice",
        },
        connection={"system": str(system.pk), "active": "on"},
    )


def test_full_wizard_creates_the_point_with_every_field(alice, personas, groups):
    system = receiver_new(personas.alice)
    response = alice.complete(full_steps(groups, system))

    point = ContactPoint.objects.get()
    assert response.request["PATH_INFO"] == f"/kontaktstruktur/kontaktpunkt/{point.pk}/kvittering/"
    assert point.organisation == personas.alice.organisation
    assert point.name == "Pas og kørekort"
    assert point.internal_note == "Borgerservice svarer."
    assert set(point.groups.all()) == set(groups)
    assert point.visible is False
    assert point.targets == ["CITIZEN", "COMPANY"]
    assert point.max_message_mb == Decimal("45.5")
    assert point.max_attachments == 3
    assert (point.link_headline, point.link_text, point.link_url) == (
        "Selvbetjening",
        "Bestil tid",
        "https://www.kommune-a.dk/tid",
    )
    assert point.input_fields == ["Sagsnummer", "Pasnummer"]
    assert point.keywords == ["pas", "kørekort"]
    assert point.codes == [
        {"type": "FORM", "code": "02.02.04"},
        {"type": "KLE", "code": "27.24.00"},
        {"type": "SOR", "code": "123456"},
        {"type": "GLN", "code": VALID_GLN},
        {"type": "CUSTOM", "code": "intern-17"},
        {"type": "CUSTOM", "code": "borgerservice"},
    ]
    assert point.system == system
    assert point.active is True
    assert alice.stored() == {}  # the wizard's session data is gone after "Tilslut"


def test_creation_is_logged(alice, personas, groups):
    alice.complete(valid_steps(description={"groups": [str(groups[0].pk)]}))
    point = ContactPoint.objects.get()
    logged = log_fields(personas.alice.organisation, point.pk)
    assert logged["Kontaktpunktets navn"] == ("", "Pas og kørekort")
    assert logged["Kontaktgrupper"] == ("", "Borgerservice")


def test_summary_shows_every_row_grouped_as_the_guide(alice, personas, groups):
    system = receiver_new(personas.alice, name="Sagssystem modtag")
    response = alice.fill_until(CONNECTION, full_steps(groups, system))

    assert current_step(response) == SUMMARY
    rows = summary_values(response)
    assert rows["name"] == "Pas og kørekort"
    assert rows["groups"] == "Borgerservice\nPas"
    assert rows["targets"] == "Borger, Virksomhed"
    assert rows["visible"] == "Nej"
    assert rows["max_message_mb"] == "45,5"
    assert rows["max_attachments"] == "3"
    assert rows["input_fields"] == "Sagsnummer\nPasnummer"
    assert "https://www.kommune-a.dk/tid" in rows["link"]
    assert rows["keywords"] == "pas\nkørekort"
    assert "KLE: 27.24.00" in rows["codes"]
    assert rows["active"] == "Aktivt"
    assert rows["system"] == "Sagssystem modtag"
    content = response.content.decode()
    for heading in ("Beskrivelse", "Tilgængelighed", "Opmærkning", "Tilslutning"):
        assert f">{heading}</h3>" in content
    assert content.count('name="wizard_goto_step"') >= len(rows)
    assert ContactPoint.objects.count() == 0  # nothing is saved before "Tilslut"


def test_summary_says_when_no_codes_are_chosen(alice):
    response = alice.fill_until(CONNECTION, valid_steps())
    assert summary_values(response)["codes"] == "Ingen koder valgt"


def test_receipt_shows_date_id_and_a_deep_link_with_qr_per_target(alice, personas, settings):
    settings.ADGANG_DEEPLINK_CITIZEN_BASE = "https://post.borger.test"
    settings.ADGANG_DEEPLINK_BUSINESS_BASE = "https://virk.test"
    response = alice.complete(
        valid_steps(accessibility={"targets": ["CITIZEN", "COMPANY", "AUTHORITY"]})
    )
    point = ContactPoint.objects.get()
    org = personas.alice.organisation.pk
    content = response.content.decode()

    assert "Kontaktpunkt er oprettet" in content
    assert f'data-testid="receipt-id">{point.pk}<' in content
    assert 'data-testid="receipt-date">' in content
    for label, url in (
        ("Dybt link (borger)", f"https://post.borger.test/send/{org}/{point.pk}/"),
        ("Dybt link (virksomhed)", f"https://virk.test/digitalpost/new/{org}/{point.pk}/"),
        ("Dybt link (myndighed)", f"https://virk.test/digitalpost/new/{org}/{point.pk}/"),
    ):
        assert label in content
        assert url in content
    assert content.count("<svg ") >= 3
    assert content.count('data-testid="qr-svg"') == 3
    assert content.count('data-testid="qr-png"') == 3
    assert "Gå til Kontaktstruktur" in content
    assert "Download kontaktpunkt indstillinger" in content


def test_receipt_qr_downloads_are_svg_and_png(alice, client_as):
    alice.complete(valid_steps(accessibility={"targets": ["CITIZEN"]}))
    point = ContactPoint.objects.get()
    base = f"/kontaktstruktur/kontaktpunkt/{point.pk}/qr/citizen"

    svg = alice.client.get(f"{base}.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert "attachment" in svg["Content-Disposition"]
    root = ET.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"

    png = alice.client.get(f"{base}.png")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(PNG_SIGNATURE)


def test_receipt_pdf_has_the_id_and_deep_links(alice):
    alice.complete(valid_steps())
    point = ContactPoint.objects.get()
    response = alice.client.get(
        f"/kontaktstruktur/kontaktpunkt/{point.pk}/kvittering/?download=pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert str(point.pk) in text.replace("\n", "")
    assert "Dybt link (borger)" in text
    assert "Pas og kørekort" in text


def test_step_one_shows_character_counters(alice):
    response = alice.start()
    content = response.content.decode()
    assert "0/50 Tegn" in content
    assert "0/250 Tegn" in content
    response = alice.post(DESCRIPTION, {"name": "Test", "description": ""})
    assert "4/50 Tegn" in response.content.decode()


def test_back_keeps_what_was_typed(alice):
    alice.fill_until(ACCESSIBILITY, valid_steps())
    typed = {"keywords": "halvfærdig", "code_kle": "27"}
    response = alice.back(MARKUP, typed, to=ACCESSIBILITY)
    assert current_step(response) == ACCESSIBILITY
    assert shown_value(response, "targets") == ["CITIZEN"]

    response = alice.get(MARKUP)
    assert shown_value(response, "keywords") == "halvfærdig"
    assert shown_value(response, "code_kle") == "27"


def test_back_keeps_invalid_input_without_validating_it(alice):
    alice.fill_until(DESCRIPTION, valid_steps())
    response = alice.back(ACCESSIBILITY, {"targets": [], "max_message_mb": "200"}, to=DESCRIPTION)
    assert current_step(response) == DESCRIPTION
    assert field_error(response, DESCRIPTION, "name") == ""
    response = alice.get(ACCESSIBILITY)
    assert shown_value(response, "max_message_mb") == "200"


def test_edit_from_summary_returns_to_summary(alice):
    alice.fill_until(CONNECTION, valid_steps())
    response = alice.back(SUMMARY, to=MARKUP)
    assert current_step(response) == MARKUP
    assert shown_value(response, "keywords") == "pas\nkørekort"

    response = alice.post(MARKUP, {"keywords": "pas\nid kort"})
    assert current_step(response) == SUMMARY
    assert summary_values(response)["keywords"] == "pas\nid kort"


def test_cancel_forgets_everything_and_saves_nothing(alice):
    alice.fill_until(CONNECTION, valid_steps())
    response = alice.cancel(SUMMARY)
    assert response.request["PATH_INFO"] == "/kontaktstruktur/"
    assert "Oprettelsen af kontaktpunktet er annulleret." in response.content.decode()
    assert alice.stored() == {}
    assert ContactPoint.objects.count() == 0
    response = alice.start()
    assert current_step(response) == DESCRIPTION
    assert shown_value(response, "name") is None


@pytest.mark.parametrize("step", [ACCESSIBILITY, MARKUP, CONNECTION, SUMMARY])
def test_a_later_step_cannot_be_opened_by_url(alice, step):
    alice.start()
    response = alice.get(step)
    assert current_step(response) == DESCRIPTION


def test_a_forged_step_in_the_management_form_is_refused(alice):
    alice.start()
    response = alice.post(SUMMARY, {})
    assert current_step(response) == DESCRIPTION
    assert ContactPoint.objects.count() == 0


def test_a_forged_goto_target_is_ignored(alice):
    alice.fill_until(DESCRIPTION, valid_steps())
    response = alice.back(ACCESSIBILITY, {"targets": ["CITIZEN"]}, to="nowhere")
    assert current_step(response) == ACCESSIBILITY


def test_another_organisations_group_is_not_offered(alice, personas):
    maja = personas.maja.organisation
    foreign = services.group_create(
        actor=actor_for(maja), organisation=maja, name="Fremmed", description="Anden kommune"
    )
    response = alice.fill_until(DESCRIPTION, valid_steps(description={"groups": [str(foreign.pk)]}))
    assert current_step(response) == DESCRIPTION
    assert field_error(response, DESCRIPTION, "groups")
    assert "Fremmed" not in response.content.decode()


def test_another_organisations_system_is_refused(alice, personas):
    foreign = receiver_new(personas.maja, name="Majas modtager")
    response = alice.fill_until(CONNECTION, valid_steps(connection={"system": str(foreign.pk)}))
    assert current_step(response) == CONNECTION
    assert field_error(response, CONNECTION, "system") == (
        "Vælg et af organisationens modtagersystemer."
    )
    assert ContactPoint.objects.count() == 0


def test_a_service_refusal_is_shown_at_its_field_with_input_kept(alice, monkeypatch):
    """A rule the service holds (here one that the forms have let through meanwhile) sends the
    person back to the step and field concerned, what was typed kept."""

    def refuse(**kwargs):
        raise services.ContactRuleError("Søgeordet er spærret.", field="keywords")

    monkeypatch.setattr(point_views.services, "point_create", refuse)
    response = alice.complete(valid_steps())
    assert current_step(response) == MARKUP
    assert field_error(response, MARKUP, "keywords") == "Søgeordet er spærret."
    assert shown_value(response, "keywords") == "pas\nkørekort"
    assert ContactPoint.objects.count() == 0
