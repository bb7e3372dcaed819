"""The "Opret system" wizard (SPEC §3, guide §5.3–5.6): steps, navigation, summary, receipt.

Driven through Django's test client as a browser posts it (tests.support.systems_wizard).
Bad input is in test_systems_wizard_bad_input.py, the protocol table in
test_systems_combinations.py.
"""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from pypdf import PdfReader

from adgang.audit.models import ActionLogEntry, Subject
from adgang.core import clock
from adgang.systems import receipts
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.rules import BOTH, RECEIVER, SENDER
from adgang.systems.services import SystemRuleError
from adgang.testing import assert_tenant_isolated
from tests.support.systems_wizard import (
    ACTIVATION,
    ALLOWED_IP,
    CONNECTION,
    CONTACT,
    RECEIPT_ENDPOINT,
    SUMMARY,
    SYSTEM,
    WizardDriver,
    current_step,
    field_error,
    shown_value,
    standard_template_of,
    valid_steps,
)

LABELS = ["System", "Tilslutning", "Aktivering", "Kontakt", "Opsummering", "Kvittering"]


@pytest.fixture
def alice(client_as):
    return client_as("alice")


@pytest.fixture
def wizard(alice, personas):
    return WizardDriver(alice, personas.alice.organisation)


def indicator(response) -> list[tuple[str, str]]:
    """(label, state) of each step in the step indicator."""
    content = response.content.decode()
    items = re.findall(
        r'data-step-state="(\w+)">.*?<span class="step-title">\d\. (\w+)', content, re.S
    )
    return [(label, state) for state, label in items]


def receipt_of(system) -> str:
    return f"/systemtilslutning/{system.pk}/kvittering/"


def row_html(response, key: str) -> str:
    match = re.search(rf'<tr data-row="{key}">(.*?)</tr>', response.content.decode(), re.S)
    assert match, f"no summary row {key}"
    return match.group(1)


# -- steps and indicator ------------------------------------------------------------------


def test_opret_starts_at_step_system(wizard):
    response = wizard.start()

    assert response.redirect_chain == [("/systemtilslutning/opret/system/", 302)]
    assert indicator(response) == [
        ("System", "current"),
        *[(label, "todo") for label in LABELS[1:]],
    ]
    assert 'aria-current="step"' in response.content.decode()
    assert "Et standard leverandørsystem indebærer en fuldmagt" in response.content.decode()


def test_step_indicator_marks_done_steps_and_the_current_one(wizard):
    response = wizard.fill_until(CONTACT, valid_steps())

    assert current_step(response) == SUMMARY
    assert indicator(response) == [
        *[(label, "done") for label in LABELS[:4]],
        ("Opsummering", "current"),
        ("Kvittering", "todo"),
    ]
    assert response.content.decode().count("Udført:") == 4  # the ✓ icon's text for readers


def label_of(response, step: str, name: str) -> str:
    match = re.search(
        rf'<label class="form-label" for="id_{step}-{name}">(.*?)</label>',
        response.content.decode(),
        re.S,
    )
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_only_optional_fields_are_labelled_frivilligt(wizard):
    system = wizard.start()
    assert label_of(system, SYSTEM, "name") == "Navn"
    assert label_of(system, SYSTEM, "supplier_name") == (
        "Skriv navn på systemleverandør (frivilligt)"
    )
    contact = wizard.fill_until(ACTIVATION, valid_steps())
    assert label_of(contact, CONTACT, "contact_email") == "E-mailadresse"
    assert label_of(contact, CONTACT, "extra_email") == "Ekstra e-mailadresse (frivilligt)"


def test_person_without_the_right_cannot_open_the_wizard(client_as):
    assert client_as("charlie").get("/systemtilslutning/opret/system/").status_code == 403


# -- Tilbage, Annullér, Redigér -----------------------------------------------------------


def test_tilbage_keeps_what_was_typed_on_the_current_step(wizard):
    steps = valid_steps(SENDER, Protocol.REST_PUSH)
    wizard.fill_until(SYSTEM, steps)

    back = wizard.back(CONNECTION, steps.connection, to=SYSTEM)
    assert current_step(back) == SYSTEM
    assert shown_value(back, "name") == "Sagssystem"

    again = wizard.post(SYSTEM, steps.system)
    assert current_step(again) == CONNECTION
    assert shown_value(again, "protocol") == Protocol.REST_PUSH
    assert shown_value(again, "receipt_endpoint") == RECEIPT_ENDPOINT


def test_tilbage_keeps_input_that_is_not_valid_yet_and_checks_it_on_return(wizard):
    steps = valid_steps()
    wizard.fill_until(SYSTEM, steps)

    wizard.back(CONNECTION, {"protocol": "REST_PULL", "ips": "10.0.0.300"}, to=SYSTEM)
    again = wizard.post(SYSTEM, steps.system)

    assert current_step(again) == CONNECTION
    assert shown_value(again, "ips") == "10.0.0.300"
    assert field_error(again, CONNECTION, "ips") == "»10.0.0.300« er ikke en gyldig IP-adresse."


def test_annuller_clears_the_wizard_and_returns_to_the_overview(wizard):
    wizard.fill_until(CONNECTION, valid_steps())

    response = wizard.cancel(ACTIVATION, {"activation": "never"}, follow=False)

    assert response.status_code == 302
    assert response["Location"] == "/systemtilslutning/"
    fresh = wizard.start()
    assert current_step(fresh) == SYSTEM
    assert not fresh.context["form"].is_bound
    assert shown_value(fresh, "name") is None
    assert current_step(wizard.get(SUMMARY)) == SYSTEM
    assert MailSystem.objects.count() == 0


def test_redigér_returns_to_the_step_with_its_values_and_then_to_the_summary(wizard):
    steps = valid_steps()
    wizard.fill_until(CONTACT, steps)

    edit = wizard.back(SUMMARY, to=CONNECTION)
    assert current_step(edit) == CONNECTION
    assert shown_value(edit, "ips") == ALLOWED_IP

    summary = wizard.post(CONNECTION, {**steps.connection, "ips": "192.0.2.77"})
    assert current_step(summary) == SUMMARY
    assert "192.0.2.77" in row_html(summary, "ips")


def test_redigér_of_the_types_leads_through_the_connection_step_when_it_no_longer_fits(wizard):
    steps = valid_steps(SENDER, Protocol.REST_PUSH)
    wizard.fill_until(CONTACT, steps)
    wizard.back(SUMMARY, to=SYSTEM)

    response = wizard.post(SYSTEM, {**steps.system, "types": ["receiver"]})

    assert current_step(response) == CONNECTION
    assert field_error(response, CONNECTION, "endpoint") == "Angiv End point."
    fixed = wizard.post(CONNECTION, {**steps.connection, "endpoint": "https://m.example.dk/in"})
    assert current_step(fixed) == SUMMARY
    assert "Modtagersystem" in row_html(fixed, "types")


def test_summary_shows_the_four_groups_each_with_redigér(wizard):
    response = wizard.fill_until(CONTACT, valid_steps())

    content = response.content.decode()
    for group in ("system", "tilslutning", "aktivering", "kontakt"):
        assert f'data-group="{group}"' in content
        assert f'name="wizard_goto_step" value="{group}"' in content
    assert "Redigér" in row_html(response, "name")
    assert "Redigér" not in row_html(response, "id")
    assert "ID tildeles, når systemet er oprettet" in row_html(response, "id")
    assert ALLOWED_IP in row_html(response, "ips")
    assert 'class="button button-primary">Tilslut</button>' in content


def test_a_later_step_cannot_be_opened_before_the_earlier_ones_are_done(wizard):
    wizard.fill_until(SYSTEM, valid_steps())

    for step in (ACTIVATION, CONTACT, SUMMARY):
        assert current_step(wizard.get(step)) == CONNECTION


# -- Tilslut ------------------------------------------------------------------------------


def test_a_receiver_for_an_authority_without_receivers_becomes_primary(wizard, personas):
    assert not MailSystem.objects.filter(is_receiver=True).exists()

    wizard.complete(valid_steps(RECEIVER, Protocol.REST_PULL))

    assert MailSystem.objects.get().is_primary


def test_a_second_receiver_is_not_primary(client_as, personas):
    alice = client_as("alice")
    WizardDriver(alice, personas.alice.organisation).complete(valid_steps(RECEIVER))
    steps = valid_steps(BOTH, Protocol.REST_PULL)
    steps.system["name"] = "Andet system"

    WizardDriver(alice, personas.alice.organisation).complete(steps)

    assert MailSystem.objects.get(name="Andet system").is_primary is False


def test_creation_is_written_to_the_action_log_with_field_before_and_after(wizard, personas):
    wizard.complete(valid_steps(RECEIVER, Protocol.REST_PULL))

    system = MailSystem.objects.get()
    entries = ActionLogEntry.objects.filter(subject=Subject.SYSTEM, object_id=str(system.pk))
    changes = {(e.field, e.before, e.after) for e in entries}
    assert ("Navn", "", "Sagssystem") in changes
    assert ("Protokol", "", "REST PULL") in changes
    assert ("IP-adresser", "", ALLOWED_IP) in changes
    assert ("Primærsystem", "", "Ja") in changes
    assert {e.actor for e in entries} == {personas.alice.actor_id}
    assert {e.organisation_id for e in entries} == {personas.alice.organisation_id}


def test_tilslut_clears_the_wizard(wizard):
    wizard.complete(valid_steps())

    fresh = wizard.start()
    assert current_step(fresh) == SYSTEM
    assert not fresh.context["form"].is_bound


def test_a_rule_refused_by_the_service_is_shown_on_its_field_with_input_kept(wizard, monkeypatch):
    def refuse(**kwargs):
        raise SystemRuleError("Angiv mindst én IP-adresse eller én IP-range.", field="ips")

    monkeypatch.setattr("adgang.systems.views.wizard.system_create", refuse)

    response = wizard.complete(valid_steps())

    assert current_step(response) == CONNECTION
    assert field_error(response, CONNECTION, "ips") == (
        "Angiv mindst én IP-adresse eller én IP-range."
    )
    assert shown_value(response, "ips") == ALLOWED_IP
    assert MailSystem.objects.count() == 0


# -- standard supplier systems ------------------------------------------------------------


@pytest.fixture
def standard_template(personas):
    return standard_template_of(personas.sune.organisation, "IMS DigitalPost")


def template_steps(template, **system):
    steps = valid_steps()
    steps.system = {
        "setup": "template",
        "supplier": str(template.supplier_id),
        "template": str(template.pk),
        "template_system_name": "Post via S",
        "agreement": "on",
        **system,
    }
    steps.connection = {}
    steps.contact = {"extra_email": "post@kommune-a.dk"}
    return steps


def test_template_prefills_and_locks_connection_and_contact(wizard, standard_template):
    steps = template_steps(standard_template)

    connection = wizard.fill_until(SYSTEM, steps)
    assert "Tilslutning er præ-udfyldt og låst" in connection.content.decode()
    assert shown_value(connection, "ips") == "62.242.35.178"
    assert connection.context["form"].fields["protocol"].disabled
    assert 'name="tilslutning-protocol" value="REST_PUSH" checked disabled' in (
        connection.content.decode()
    )
    assert connection.context["form"].fields["endpoint"].disabled

    wizard.post(CONNECTION, {})
    contact = wizard.post(ACTIVATION, steps.activation)
    assert "Kontakt er præ-udfyldt og låst" in contact.content.decode()
    assert shown_value(contact, "contact_name") == "Leverandør S drift"

    summary = wizard.post(CONTACT, steps.contact)
    assert "Redigér" not in row_html(summary, "protocol")
    assert "Redigér" not in row_html(summary, "contact")
    assert "Redigér" in row_html(summary, "extra_email")
    assert standard_template.supplier.cvr in row_html(summary, "delegated_cvr")


def test_template_system_is_created_with_the_suppliers_values(wizard, standard_template):
    wizard.complete(template_steps(standard_template))

    system = MailSystem.objects.get()
    assert system.template == standard_template
    assert (system.name, system.supplier_name) == ("Post via S", "Leverandør S A/S")
    assert (system.is_sender, system.is_receiver) == (True, True)
    assert (system.protocol, system.allowed_ips) == (Protocol.REST_PUSH, ["62.242.35.178"])
    assert system.endpoint == "https://crs.leverandoer-s.dk/inbound"
    assert system.delegated_cvr == standard_template.supplier.cvr
    assert (system.contact_name, system.extra_email) == (
        "Leverandør S drift",
        "post@kommune-a.dk",
    )


def test_posted_values_for_template_locked_fields_are_ignored(wizard, standard_template):
    steps = template_steps(standard_template)
    steps.connection = {
        "protocol": Protocol.REST_PULL,
        "ips": "203.0.113.9",
        "endpoint": "https://evil.example.com/in",
        "receipt_endpoint": "https://evil.example.com/r",
        "delegated_cvr": "",
    }
    steps.contact = {
        "contact_name": "Mallory",
        "contact_email": "mallory@example.com",
        "contact_phone": "+45 20 20 20 20",
        "extra_email": "post@kommune-a.dk",
    }

    wizard.complete(steps)

    system = MailSystem.objects.get()
    assert (system.protocol, system.allowed_ips) == (Protocol.REST_PUSH, ["62.242.35.178"])
    assert system.endpoint == standard_template.endpoint
    assert system.receipt_endpoint == standard_template.receipt_endpoint
    assert system.delegated_cvr == standard_template.supplier.cvr
    assert (system.contact_name, system.contact_email) == (
        "Leverandør S drift",
        "drift@leverandoer-s.dk",
    )


# -- receipt ------------------------------------------------------------------------------


def test_receipt_shows_id_cvr_and_the_api_key(wizard, personas):
    response = wizard.complete(valid_steps())

    system = MailSystem.objects.get()
    content = response.content.decode()
    assert response.request["PATH_INFO"] == receipt_of(system)
    assert "Afsendersystem oprettet" in content
    assert "Kvittering - Sagssystem Afsendersystem" in content
    assert f'data-testid="receipt-id">{system.pk}<' in content
    assert f'data-testid="receipt-cvr">{personas.alice.organisation.cvr}<' in content
    key = re.search(r'data-testid="api-key">(Basic [^<]+)<', content).group(1)
    assert system.api_key_hash not in content
    assert indicator(response)[-1] == ("Kvittering", "current")
    assert "aktiveres først" not in content
    assert key.startswith("Basic ")


def test_receipt_shows_the_key_only_until_it_is_forgotten(wizard):
    wizard.complete(valid_steps())
    system = MailSystem.objects.get()
    assert 'data-testid="api-key"' in wizard.client.get(receipt_of(system)).content.decode()

    leave = wizard.client.post(receipt_of(system))
    assert leave["Location"] == "/systemtilslutning/"

    again = wizard.client.get(receipt_of(system)).content.decode()
    assert 'data-testid="api-key"' not in again
    assert "API-key vises kun én gang" in again
    assert "Forny API-key" in again


def test_receipt_key_expires(wizard):
    wizard.complete(valid_steps())
    system = MailSystem.objects.get()

    with time_machine.travel(clock.now() + receipts.KEEP_FOR + timedelta(minutes=1)):
        later = wizard.client.get(receipt_of(system)).content.decode()

    assert 'data-testid="api-key"' not in later
    assert "API-key vises kun én gang" in later


def test_receipt_warns_when_activation_lies_in_the_future(wizard):
    day = (clock.today() + timedelta(days=3)).isoformat()
    steps = valid_steps(RECEIVER)
    steps.activation = {"activation": "at", "activate_date": day, "activate_time": "23:59"}

    response = wizard.complete(steps)

    content = response.content.decode()
    expected = f"{day[8:10]}/{day[5:7]}/{day[:4]}, 23:59:00"
    assert f"Modtagersystem aktiveres først: {expected}" in content
    assert "Der er valgt et fremtidigt aktiveringstidspunkt for systemet" in content


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_receipt_pdf_contains_id_cvr_key_and_settings(wizard, personas):
    receipt = wizard.complete(valid_steps(SENDER, Protocol.REST_PUSH))
    system = MailSystem.objects.get()
    key = re.search(r'data-testid="api-key">(Basic [^<]+)<', receipt.content.decode()).group(1)

    response = wizard.client.get(f"{receipt_of(system)}pdf/")

    text = pdf_text(response)
    assert "attachment" in response["Content-Disposition"]
    assert str(system.pk) in text
    assert personas.alice.organisation.cvr in text
    assert "Kvittering - Sagssystem Afsendersystem" in text
    assert key.replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert RECEIPT_ENDPOINT in text


def test_receipt_and_its_pdf_answer_404_for_another_organisation(client_as, personas):
    WizardDriver(client_as("alice"), personas.alice.organisation).complete(valid_steps())
    system = MailSystem.objects.get()

    maja = client_as("maja")
    assert_tenant_isolated(maja, receipt_of(system))
    assert_tenant_isolated(maja, f"{receipt_of(system)}pdf/")
    assert_tenant_isolated(maja, receipt_of(system), method="post")
