"""SPEC §3's protocol table through the wizard: exactly its eight combinations can be created.

Every (types, protocol) pair of the table is created by posting the steps as a browser does,
and the saved row is checked; every other pair is refused on the protocol field with nothing
saved, also when the protocol is forced into the post (the radio was never offered).
"""

import pytest

from adgang.systems.models import MailSystem, Protocol, SystemState
from adgang.systems.rules import BOTH, COMBINATIONS, RECEIVER, SENDER, protocols_for
from tests.support.systems_wizard import (
    ALLOWED_IP,
    CONNECTION,
    ENDPOINT,
    RECEIPT_ENDPOINT,
    SYSTEM,
    WizardDriver,
    connection_for,
    current_step,
    field_error,
    valid_steps,
)

NAMES = {SENDER: "sender", RECEIVER: "receiver", BOTH: "sender+receiver"}
VALID = sorted(COMBINATIONS, key=lambda pair: (NAMES[pair[0]], pair[1]))
INVALID = [
    (types, protocol)
    for types in (SENDER, RECEIVER, BOTH)
    for protocol in Protocol.values
    if (types, protocol) not in COMBINATIONS
]
NOT_OFFERED = "Protokollen kan ikke bruges til denne type system."


def pair_id(pair) -> str:
    return f"{NAMES[pair[0]]}-{pair[1]}"


@pytest.fixture
def wizard(client_as, personas):
    return WizardDriver(client_as("alice"), personas.alice.organisation)


def test_the_table_has_eight_combinations_and_four_refused_pairs():
    assert (len(VALID), len(INVALID)) == (8, 4)


@pytest.mark.parametrize("pair", VALID, ids=pair_id)
def test_every_combination_of_the_table_is_created_through_the_wizard(wizard, personas, pair):
    types, protocol = pair
    steps = valid_steps(types, protocol)

    response = wizard.complete(steps)

    system = MailSystem.objects.get()
    assert response.request["PATH_INFO"] == f"/systemtilslutning/{system.pk}/kvittering/"
    needs = COMBINATIONS[pair]
    assert system.organisation == personas.alice.organisation
    assert (system.name, system.protocol) == ("Sagssystem", protocol)
    assert (system.is_sender, system.is_receiver) == ("sender" in types, "receiver" in types)
    assert system.allowed_ips == [ALLOWED_IP]
    assert system.endpoint == (ENDPOINT if needs.endpoint else "")
    assert system.receipt_endpoint == (RECEIPT_ENDPOINT if needs.receipt_endpoint else "")
    assert system.ssh_public_key == steps.connection.get("ssh_public_key", "")
    assert bool(system.ssh_public_key) == needs.ssh_key
    assert system.state == SystemState.ACTIVE
    assert (system.contact_name, system.contact_email) == ("IT-drift", "it-drift@kommune-a.dk")


@pytest.mark.parametrize("types", [SENDER, RECEIVER, BOTH], ids=NAMES.get)
def test_the_connection_step_offers_exactly_the_protocols_of_the_types(wizard, types):
    wizard.start()
    response = wizard.post(SYSTEM, valid_steps(types).system)

    assert current_step(response) == CONNECTION
    offered = [value for value, _label in response.context["form"].fields["protocol"].choices]
    assert offered == protocols_for(types)
    for protocol in Protocol.values:
        radio = f'name="{CONNECTION}-protocol" value="{protocol}"'
        assert (radio in response.content.decode()) == (protocol in offered)


@pytest.mark.parametrize("pair", INVALID, ids=pair_id)
def test_every_other_pair_is_refused_on_the_protocol_field(wizard, pair):
    types, protocol = pair
    wizard.start()
    wizard.post(SYSTEM, valid_steps(types).system)
    # Everything the protocol could need is filled in, so only the pair itself is wrong.
    data = connection_for(
        types,
        protocol,
        endpoint=ENDPOINT,
        receipt_endpoint=RECEIPT_ENDPOINT,
        ssh_public_key=valid_steps(SENDER, Protocol.SFTP).connection["ssh_public_key"],
    )

    response = wizard.post(CONNECTION, data)

    assert current_step(response) == CONNECTION
    assert field_error(response, CONNECTION, "protocol") == NOT_OFFERED
    assert response.context["form"]["ips"].value() == ALLOWED_IP
    assert MailSystem.objects.count() == 0
    # The wizard does not let the person past the refused step either.
    assert current_step(wizard.get("aktivering")) == CONNECTION


@pytest.mark.parametrize("pair", INVALID, ids=pair_id)
def test_a_refused_pair_cannot_be_connected_by_changing_the_types_afterwards(wizard, pair):
    """Valid pair first, then "Redigér" the types: "Tilslut" must not save the new pair."""
    types, protocol = pair
    # A pair with the same protocol that is valid for some types.
    start_types = next(t for t in (SENDER, RECEIVER, BOTH) if (t, protocol) in COMBINATIONS)
    steps = valid_steps(start_types, protocol)
    wizard.fill_until("kontakt", steps)
    wizard.back("opsummering", to=SYSTEM)

    response = wizard.post(SYSTEM, {**steps.system, "types": sorted(types)})
    assert current_step(response) == CONNECTION
    assert field_error(response, CONNECTION, "protocol") == NOT_OFFERED

    forced = wizard.post("opsummering")
    assert current_step(forced) == CONNECTION
    assert MailSystem.objects.count() == 0
