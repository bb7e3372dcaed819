"""Bad input in the "Opret system" wizard (issue 3 "Bad input", SPEC §14).

For every case: the Danish message is shown next to the field, what was typed is shown again,
nothing is saved, and the wizard does not let the person past the step. Tampered posts
(skipped steps, forged step names, offers never made) never create a system.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from adgang.accounts.context import ActingContext
from adgang.accounts.models import Organisation
from adgang.audit.services import Actor
from adgang.core import clock
from adgang.systems.models import MailSystem, Protocol, SystemTemplate
from adgang.systems.rules import BOTH, RECEIVER, SENDER
from adgang.systems.services import Activation, SystemSpec, system_create
from tests.support.systems_wizard import (
    ACTIVATION,
    CONNECTION,
    CONTACT,
    STEPS,
    SUMMARY,
    SYSTEM,
    Steps,
    WizardDriver,
    current_step,
    field_error,
    private_ed25519_key,
    rsa_key,
    shown_value,
    valid_steps,
)


def day(offset: int) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


@dataclass(frozen=True)
class Bad:
    step: str
    field: str
    value: object
    message: str
    types: frozenset = SENDER
    protocol: str = Protocol.REST_PULL
    others: dict = field(default_factory=dict)  # further fields of the same step


THIRTY_THREE = "\n".join(f"192.0.2.{n}" for n in range(1, 34))
UNREADABLE_KEY = (
    "SSH-nøglen kan ikke læses. Indsæt en offentlig OpenSSH-nøgle på én linje, der begynder "
    "med ssh-ed25519, ecdsa-sha2-nistp256 eller ssh-rsa."
)
NOT_HTTPS = "skal benytte SSL (https-protokol), fx https://post.eksempel.dk/modtag."
NOT_ABSOLUTE = (
    "skal være en fuld adresse, der begynder med https://, fx https://post.eksempel.dk/modtag."
)

CASES = {
    # Tilslutning: IP addresses and ranges
    "33-ip-addresses": Bad(
        CONNECTION, "ips", THIRTY_THREE, "Du kan højst angive 32 IP-adresser (du har angivet 33)."
    ),
    "two-ranges": Bad(
        CONNECTION, "ips", "10.0.0.0/24\n10.1.0.0/24", "Du kan kun angive én IP-range."
    ),
    "range-and-addresses": Bad(
        CONNECTION,
        "ips",
        "10.0.0.0/24, 192.0.2.1",
        "Angiv enten IP-adresser eller én IP-range, ikke begge dele.",
    ),
    "malformed-address": Bad(
        CONNECTION, "ips", "192.0.2.300", "»192.0.2.300« er ikke en gyldig IP-adresse."
    ),
    "malformed-ipv6": Bad(
        CONNECTION, "ips", "2001:db8::g1", "»2001:db8::g1« er ikke en gyldig IP-adresse."
    ),
    "malformed-cidr": Bad(
        CONNECTION,
        "ips",
        "10.0.0.0/33",
        "»10.0.0.0/33« er ikke en gyldig IP-range. Skriv fx 10.0.0.0/24 eller 10.0.0.1-10.0.0.20.",
    ),
    "cidr-with-host-bits": Bad(
        CONNECTION,
        "ips",
        "10.0.0.5/24",
        "»10.0.0.5/24« er ikke en netværksadresse. Mente du 10.0.0.0/24?",
    ),
    "reversed-range": Bad(
        CONNECTION,
        "ips",
        "10.0.0.9-10.0.0.1",
        "IP-rangen »10.0.0.9-10.0.0.1« skal starte med den laveste adresse, og begge adresser "
        "skal være af samme type (IPv4 eller IPv6).",
    ),
    "no-ips": Bad(CONNECTION, "ips", "", "Angiv mindst én IP-adresse eller én IP-range."),
    # Tilslutning: endpoints
    "http-endpoint": Bad(
        CONNECTION,
        "endpoint",
        "http://post.kommune-a.dk/modtag",
        f"End point {NOT_HTTPS}",
        RECEIVER,
        Protocol.REST_PUSH,
    ),
    "relative-endpoint": Bad(
        CONNECTION, "endpoint", "/modtag", f"End point {NOT_ABSOLUTE}", RECEIVER, Protocol.REST_PUSH
    ),
    "missing-endpoint": Bad(
        CONNECTION, "endpoint", "", "Angiv End point.", RECEIVER, Protocol.REST_PUBLISH_SUBSCRIBE
    ),
    "missing-endpoint-sender-receiver": Bad(
        CONNECTION, "endpoint", "", "Angiv End point.", BOTH, Protocol.REST_PUSH
    ),
    "http-receipt-endpoint": Bad(
        CONNECTION,
        "receipt_endpoint",
        "http://post.kommune-a.dk/kvittering",
        f"Kvitterings-end point {NOT_HTTPS}",
        SENDER,
        Protocol.REST_PUSH,
    ),
    "relative-receipt-endpoint": Bad(
        CONNECTION,
        "receipt_endpoint",
        "kvittering",
        f"Kvitterings-end point {NOT_ABSOLUTE}",
        SENDER,
        Protocol.REST_PUSH,
    ),
    "missing-receipt-endpoint": Bad(
        CONNECTION,
        "receipt_endpoint",
        "",
        "Angiv Kvitterings-end point.",
        BOTH,
        Protocol.REST_PUSH,
    ),
    # Tilslutning: SSH key of an SFTP sender
    "ssh-key-not-parsing": Bad(
        CONNECTION,
        "ssh_public_key",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIbroken",
        UNREADABLE_KEY,
        SENDER,
        Protocol.SFTP,
    ),
    "ssh-key-garbage": Bad(
        CONNECTION, "ssh_public_key", "min nøgle", UNREADABLE_KEY, SENDER, Protocol.SFTP
    ),
    "ssh-rsa-1024": Bad(
        CONNECTION,
        "ssh_public_key",
        rsa_key(1024),
        "RSA-nøglen er på 1024 bit. Den skal være på mindst 2048 bit.",
        SENDER,
        Protocol.SFTP,
    ),
    "ssh-private-key": Bad(
        CONNECTION,
        "ssh_public_key",
        private_ed25519_key(),
        "Du har indsat en privat nøgle. Indsæt kun den offentlige nøgle (filen ender typisk "
        "på .pub), og lav et nyt nøglepar, da den private nøgle ikke længere kan regnes for "
        "hemmelig.",
        SENDER,
        Protocol.SFTP,
    ),
    "ssh-key-missing": Bad(
        CONNECTION,
        "ssh_public_key",
        "",
        "Indsæt systemets offentlige SSH-nøgle.",
        SENDER,
        Protocol.SFTP,
    ),
    # Tilslutning: systemfuldmagt
    "supplier-cvr-check-digit": Bad(
        CONNECTION,
        "delegated_cvr",
        "12345678",
        "CVR-nummeret er ikke gyldigt (kontrolciffer).",
    ),
    "supplier-cvr-too-short": Bad(
        CONNECTION, "delegated_cvr", "1234", "CVR-nummeret skal bestå af 8 cifre."
    ),
    # Aktivering
    "activation-in-the-past": Bad(
        ACTIVATION,
        "activate_date",
        day(-1),
        "Aktiveringstidspunktet ligger i fortiden. Vælg et tidspunkt frem i tiden.",
        others={"activation": Activation.AT, "activate_time": "10:00"},
    ),
    "activation-without-date": Bad(
        ACTIVATION,
        "activate_date",
        "",
        "Vælg en dato for aktiveringen.",
        others={"activation": Activation.AT, "activate_time": "10:00"},
    ),
    "activation-date-not-a-date": Bad(
        ACTIVATION,
        "activate_date",
        "31/02/2031",
        "Indtast en gyldig dato.",
        others={"activation": Activation.AT, "activate_time": "10:00"},
    ),
    "deactivation-before-activation": Bad(
        ACTIVATION,
        "deactivate_date",
        day(3),
        "Deaktiveringstidspunktet skal ligge efter aktiveringstidspunktet.",
        others={
            "activation": Activation.AT,
            "activate_date": day(3),
            "activate_time": "12:00",
            "deactivate": "on",
            "deactivate_time": "11:00",
        },
    ),
    "deactivation-in-the-past": Bad(
        ACTIVATION,
        "deactivate_date",
        day(-2),
        "Deaktiveringstidspunktet ligger i fortiden.",
        others={"activation": Activation.NOW, "deactivate": "on", "deactivate_time": "11:00"},
    ),
    "deactivation-without-activation": Bad(
        ACTIVATION,
        "deactivate",
        "on",
        "Et deaktiveringstidspunkt kræver, at systemet aktiveres.",
        others={
            "activation": Activation.NEVER,
            "deactivate_date": day(3),
            "deactivate_time": "11:00",
        },
    ),
    # Kontakt
    "invalid-email": Bad(
        CONTACT,
        "contact_email",
        "it-drift@",
        "Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk.",
    ),
    "missing-email": Bad(CONTACT, "contact_email", "", "Angiv en e-mailadresse."),
    "invalid-extra-email": Bad(
        CONTACT,
        "extra_email",
        "post kommune-a.dk",
        "Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk.",
    ),
    "invalid-phone": Bad(
        CONTACT,
        "contact_phone",
        "12",
        "Telefonnummeret er ikke gyldigt. Skriv fx 33 12 34 56 eller +45 33 12 34 56.",
    ),
    "phone-letters": Bad(
        CONTACT,
        "contact_phone",
        "ring til Bo",
        "Telefonnummeret er ikke gyldigt. Skriv fx 33 12 34 56 eller +45 33 12 34 56.",
    ),
    "empty-contact-name": Bad(
        CONTACT, "contact_name", "  ", "Angiv navnet på den tekniske kontakt."
    ),
    # System
    "empty-name": Bad(SYSTEM, "name", "   ", "Giv systemet et navn."),
    "name-over-the-limit": Bad(
        SYSTEM, "name", "N" * 101, "Navnet må højst være 100 tegn (du har skrevet 101)."
    ),
    "no-type": Bad(
        SYSTEM,
        "types",
        [],
        "Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge.",
    ),
    # Tampering with offered choices
    "protocol-not-a-protocol": Bad(
        CONNECTION, "protocol", "FTP", "Protokollen kan ikke bruges til denne type system."
    ),
    "type-not-a-type": Bad(
        SYSTEM,
        "types",
        ["printer"],
        # A forged value gets the same one message as no choice at all.
        "Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge.",
    ),
}


def steps_with(case: Bad) -> Steps:
    steps = valid_steps(case.types, case.protocol)
    data = dict(steps.of(case.step))
    data.update(case.others)
    data[case.field] = case.value
    setattr(
        steps,
        {SYSTEM: "system", CONNECTION: "connection", ACTIVATION: "activation", CONTACT: "contact"}[
            case.step
        ],
        data,
    )
    return steps


def until_before(step: str) -> str | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index else None


@pytest.fixture
def alice_wizard(client_as, personas):
    return WizardDriver(client_as("alice"), personas.alice.organisation)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_next_to_the_field_and_kept(alice_wizard, case):
    steps = steps_with(case)
    before = until_before(case.step)
    if before is None:
        alice_wizard.start()
    else:
        alice_wizard.fill_until(before, steps)

    response = alice_wizard.post(case.step, steps.of(case.step))

    assert current_step(response) == case.step
    assert field_error(response, case.step, case.field) == case.message
    assert shown_value(response, case.field) == (True if case.value == "on" else case.value)
    if isinstance(case.value, str) and case.value.strip():
        assert escape(case.value) in response.content.decode()
    assert MailSystem.objects.count() == 0
    following = STEPS[STEPS.index(case.step) + 1]
    assert current_step(alice_wizard.get(following)) == case.step


# -- a company's second receiver system ---------------------------------------------------


@pytest.fixture
def company_with_receiver(personas):
    membership = personas.birgitte
    system_create(
        actor=Actor.of(ActingContext(membership.person, membership, membership.organisation)),
        organisation=membership.organisation,
        spec=SystemSpec(
            name="Virk-modtager",
            is_receiver=True,
            protocol=Protocol.REST_PULL,
            allowed_ips=("192.0.2.1",),
            activation=Activation.NOW,
            contact_name="IT",
            contact_email="it@virksomhed-b.dk",
            contact_phone="+45 33 12 34 56",
        ),
    )
    return membership


COMPANY_LIMIT = (
    "Virksomheden har allerede et modtagersystem. En virksomhed kan kun have ét modtagersystem."
)


@pytest.mark.parametrize("types", [["receiver"], ["sender", "receiver"]])
def test_a_company_cannot_create_a_second_receiver(client_as, company_with_receiver, types):
    wizard = WizardDriver(client_as("birgitte"), company_with_receiver.organisation)
    wizard.start()
    data = {"setup": "scratch", "name": "Endnu en modtager", "types": types}

    response = wizard.post(SYSTEM, data)

    assert current_step(response) == SYSTEM
    assert field_error(response, SYSTEM, "types") == COMPANY_LIMIT
    assert shown_value(response, "types") == types
    assert MailSystem.objects.count() == 1


def test_a_company_cannot_get_a_second_receiver_from_a_standard_system(
    client_as, company_with_receiver, personas
):
    template = SystemTemplate.objects.create(
        supplier=personas.sune.organisation,
        name="Modtager-standard",
        is_receiver=True,
        protocol=Protocol.REST_PULL,
        allowed_ips=["198.51.100.1"],
        contact_name="S drift",
        contact_email="drift@leverandoer-s.dk",
        contact_phone="+45 70 10 20 30",
    )
    Organisation.objects.filter(pk=template.supplier_id).update(is_system_supplier=True)
    wizard = WizardDriver(client_as("birgitte"), company_with_receiver.organisation)
    wizard.start()

    response = wizard.post(
        SYSTEM,
        {
            "setup": "template",
            "supplier": str(template.supplier_id),
            "template": str(template.pk),
            "template_system_name": "Via S",
            "agreement": "on",
        },
    )

    assert field_error(response, SYSTEM, "template") == COMPANY_LIMIT
    assert MailSystem.objects.count() == 1


def test_the_sender_system_of_a_company_with_a_receiver_is_fine(client_as, company_with_receiver):
    wizard = WizardDriver(client_as("birgitte"), company_with_receiver.organisation)

    wizard.complete(valid_steps(SENDER))

    assert MailSystem.objects.filter(is_receiver=False).count() == 1


def test_standard_system_needs_the_agreement(alice_wizard, personas):
    alice_wizard.start()
    response = alice_wizard.post(
        SYSTEM, {"setup": "template", "template_system_name": "Via S", "agreement": ""}
    )

    assert field_error(response, SYSTEM, "agreement") == (
        "Bekræft, at din organisation har en aftale med leverandøren."
    )
    assert field_error(response, SYSTEM, "supplier") == "Vælg en systemleverandør."
    assert field_error(response, SYSTEM, "template") == "Vælg et standard leverandørsystem."
    assert shown_value(response, "template_system_name") == "Via S"
    assert MailSystem.objects.count() == 0


# -- tampered steps -----------------------------------------------------------------------


@pytest.mark.parametrize("forged", [CONNECTION, ACTIVATION, CONTACT, SUMMARY])
def test_posting_a_later_step_to_skip_steps_creates_nothing(alice_wizard, forged):
    alice_wizard.start()

    response = alice_wizard.post(forged, valid_steps().of(forged))

    assert current_step(response) == SYSTEM
    assert MailSystem.objects.count() == 0
    # What was posted for the skipped-to step was not kept either.
    assert forged not in alice_wizard.stored()


def test_forging_tilslut_before_the_last_step_creates_nothing(alice_wizard):
    alice_wizard.fill_until(CONNECTION, valid_steps())

    response = alice_wizard.post(SUMMARY)

    assert current_step(response) == ACTIVATION
    assert MailSystem.objects.count() == 0


def test_a_forged_redigér_target_cannot_skip_steps(alice_wizard):
    alice_wizard.fill_until(SYSTEM, valid_steps())

    response = alice_wizard.back(CONNECTION, {"protocol": "REST_PULL"}, to=SUMMARY)

    assert current_step(response) == CONNECTION
    assert MailSystem.objects.count() == 0


@pytest.mark.parametrize("step", ["kvittering", "done", "../system", ""])
def test_an_unknown_step_name_is_not_followed(alice_wizard, step):
    alice_wizard.fill_until(SYSTEM, valid_steps())

    response = alice_wizard.client.post(
        "/systemtilslutning/opret/tilslutning/", {alice_wizard.management: step}, follow=True
    )

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert current_step(response) == CONNECTION
    assert MailSystem.objects.count() == 0


def test_a_post_without_the_management_form_is_refused(alice_wizard):
    alice_wizard.start()

    response = alice_wizard.client.post(
        "/systemtilslutning/opret/system/", {"system-name": "X", "system-types": "sender"}
    )

    assert response.status_code == 400
    assert MailSystem.objects.count() == 0


def test_tilslut_checks_every_step_again(alice_wizard):
    """An activation time that was ahead at step 3 but has passed at "Tilslut" is refused."""
    soon = timezone.localtime(clock.now()) + timedelta(minutes=5)
    steps = valid_steps()
    steps.activation = {
        "activation": Activation.AT,
        "activate_date": soon.date().isoformat(),
        "activate_time": soon.strftime("%H:%M"),
    }
    alice_wizard.fill_until(CONTACT, steps)

    with time_machine.travel(soon + timedelta(minutes=10)):
        response = alice_wizard.post(SUMMARY)

    assert current_step(response) == ACTIVATION
    assert field_error(response, ACTIVATION, "activate_date") == (
        "Aktiveringstidspunktet ligger i fortiden. Vælg et tidspunkt frem i tiden."
    )
    assert MailSystem.objects.count() == 0
