"""The rules of SPEC §3 as the services enforce them, whatever the caller.

Combinations of the protocol table, the fields each needs, the primary system of an
authority, the company's one receiver system, what is locked while active or by a standard
supplier system, and the activation window.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from adgang.core.clock import now as clock_now
from adgang.systems.auth import authenticate_system
from adgang.systems.models import MailSystem, Protocol, SystemTemplate
from adgang.systems.rules import (
    BOTH,
    COMBINATIONS,
    RECEIVER,
    SENDER,
    protocols_for,
    requirements,
)
from adgang.systems.selectors import systems_of
from adgang.systems.services import (
    Activation,
    SystemRuleError,
    system_create,
    system_delete,
    system_make_primary,
    system_update,
)
from tests.support.systems_core import (
    ALLOWED_IP,
    ENDPOINT,
    INVALID_PAIRS,
    RECEIPT_ENDPOINT,
    SUPPLIER_CVR,
    VALID_PAIRS,
    actor_of,
    create,
    ed25519_public_key,
    pair_id,
    reload,
    snapshot,
    spec_for,
)

PROTOCOL_REFUSED = (
    "Protokollen kan ikke bruges til denne type system. Vælg en af de viste protokoller."
)
LOCKED_ACTIVE = "Protokol og aktivering kan ikke ændres, mens systemet er aktivt."
LOCKED_TEMPLATE = "Feltet er låst, da systemet er opsat via et standard leverandørsystem."
COMPANY_RECEIVER = (
    "Virksomheden har allerede et modtagersystem. En virksomhed kan kun have ét modtagersystem."
)
PRIMARY_DELETE = (
    "Systemet er primærsystem og kan ikke slettes, mens der er andre modtagersystemer. "
    "Vælg først et andet primærsystem."
)
PRIMARY_STOP_RECEIVING = (
    "Systemet er primærsystem. Vælg et andet primærsystem, før systemet ikke længere er "
    "modtagersystem."
)


def refused(call, *, field: str, message: str | None = None) -> SystemRuleError:
    """`call()` raises SystemRuleError on `field` (with `message`) and changes nothing."""
    before = snapshot()
    with pytest.raises(SystemRuleError) as caught:
        call()
    assert caught.value.field == field
    if message is not None:
        assert caught.value.message == message
    assert snapshot() == before
    return caught.value


def update(membership, system, **changes):
    return system_update(actor=actor_of(membership), system=system, changes=changes)


def primaries(organisation) -> list[str]:
    return list(systems_of(organisation).filter(is_primary=True).values_list("name", flat=True))


# --- the protocol table ---------------------------------------------------------------


@pytest.mark.parametrize("pair", VALID_PAIRS, ids=pair_id)
def test_every_combination_of_the_table_is_creatable(personas, pair):
    types, protocol = pair
    created = create(personas.alice, types, protocol)
    system = reload(created.system)
    assert (system.is_sender, system.is_receiver) == ("sender" in types, "receiver" in types)
    assert system.protocol == protocol
    assert system.allowed_ips == [ALLOWED_IP]
    assert created.api_key.startswith("Basic ")


@pytest.mark.parametrize("pair", INVALID_PAIRS, ids=pair_id)
def test_every_other_combination_is_refused_on_protocol(personas, pair):
    types, protocol = pair
    spec = spec_for(
        types,
        protocol,
        endpoint=ENDPOINT,
        receipt_endpoint=RECEIPT_ENDPOINT,
        ssh_public_key=ed25519_public_key(),
    )
    refused(
        lambda: system_create(
            actor=actor_of(personas.alice), organisation=personas.alice.organisation, spec=spec
        ),
        field="protocol",
        message=PROTOCOL_REFUSED,
    )


def test_there_are_exactly_eight_combinations():
    assert len(COMBINATIONS) == 8
    assert len(VALID_PAIRS) + len(INVALID_PAIRS) == 3 * len(Protocol.values)


@pytest.mark.parametrize("protocol", ["", "AS4", "rest_pull"])
def test_an_unknown_protocol_is_refused_on_protocol(personas, protocol):
    refused(
        lambda: create(personas.alice, SENDER, protocol),
        field="protocol",
        message=PROTOCOL_REFUSED,
    )


def test_a_system_without_a_type_is_refused_on_types(personas):
    refused(
        lambda: create(personas.alice, SENDER, is_sender=False, is_receiver=False),
        field="types",
        message="Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge.",
    )


# Every (combination, required field) pair: the field emptied → refused on that field.
REQUIRED = [
    (pair, spec_field, form_field, message)
    for pair in VALID_PAIRS
    for spec_field, form_field, message, needed in (
        ("allowed_ips", "ips", "Angiv mindst én IP-adresse eller én IP-range.", True),
        ("endpoint", "endpoint", "Angiv End point.", requirements(*pair).endpoint),
        (
            "receipt_endpoint",
            "receipt_endpoint",
            "Angiv Kvitterings-end point.",
            requirements(*pair).receipt_endpoint,
        ),
        (
            "ssh_public_key",
            "ssh_public_key",
            "Indsæt systemets offentlige SSH-nøgle.",
            requirements(*pair).ssh_key,
        ),
    )
    if needed
]


@pytest.mark.parametrize(
    ("pair", "spec_field", "form_field", "message"),
    REQUIRED,
    ids=[f"{pair_id(p)}-{f}" for p, f, *_ in REQUIRED],
)
def test_a_combination_refuses_a_missing_required_field(
    personas, pair, spec_field, form_field, message
):
    empty = () if spec_field == "allowed_ips" else ""
    refused(
        lambda: create(personas.alice, *pair, **{spec_field: empty}),
        field=form_field,
        message=message,
    )


def test_the_table_answers_for_sets_as_for_frozensets():
    assert protocols_for({"sender"}) == protocols_for(SENDER)
    assert requirements({"sender", "receiver"}, Protocol.REST_PUSH) == requirements(
        BOTH, Protocol.REST_PUSH
    )


def test_every_combination_requires_ips_and_the_table_says_which_urls_and_keys():
    needs = {pair_id(p): requirements(*p) for p in VALID_PAIRS}
    assert {k for k, n in needs.items() if n.endpoint} == {
        "receiver-REST_PUSH",
        "receiver-REST_PUBLISH_SUBSCRIBE",
        "sender+receiver-REST_PUSH",
    }
    assert {k for k, n in needs.items() if n.receipt_endpoint} == {
        "sender-REST_PUSH",
        "sender+receiver-REST_PUSH",
    }
    assert {k for k, n in needs.items() if n.ssh_key} == {"sender-SFTP"}


@pytest.mark.parametrize("pair", VALID_PAIRS, ids=pair_id)
def test_fields_a_protocol_does_not_use_are_dropped(personas, pair):
    needs = requirements(*pair)
    system = reload(
        create(
            personas.alice,
            *pair,
            endpoint=ENDPOINT,
            receipt_endpoint=RECEIPT_ENDPOINT,
            ssh_public_key=ed25519_public_key(),
            delegated_cvr=SUPPLIER_CVR,
            move_post_from_virk=True,
        ).system
    )
    assert bool(system.endpoint) == needs.endpoint
    assert bool(system.receipt_endpoint) == needs.receipt_endpoint
    assert bool(system.ssh_public_key) == needs.ssh_key
    assert bool(system.delegated_cvr) == needs.delegation
    assert system.move_post_from_virk == needs.move_post_from_virk


def test_a_system_has_either_addresses_or_one_range_not_both(personas):
    refused(
        lambda: create(personas.alice, allowed_ips=(ALLOWED_IP,), ip_range="10.0.0.0/24"),
        field="ips",
        message="Angiv enten IP-adresser eller én IP-range, ikke begge dele.",
    )


# --- primary system -------------------------------------------------------------------


@pytest.mark.parametrize("types", [RECEIVER, BOTH], ids=["receiver", "sender+receiver"])
def test_an_authoritys_first_receiver_becomes_primary(personas, types):
    first = create(personas.alice, types, Protocol.REST_PULL, name="Første").system
    second = create(personas.alice, types, Protocol.REST_PULL, name="Anden").system
    assert (reload(first).is_primary, reload(second).is_primary) == (True, False)


def test_a_sender_never_becomes_primary(personas):
    sender = create(personas.alice, SENDER, Protocol.REST_PULL, name="Afsender").system
    receiver = create(personas.alice, RECEIVER, Protocol.REST_PULL, name="Modtager").system
    assert (reload(sender).is_primary, reload(receiver).is_primary) == (False, True)


def test_a_companys_receiver_is_not_a_primary_system(personas):
    receiver = create(personas.birgitte, RECEIVER, Protocol.REST_PULL).system
    assert reload(receiver).is_primary is False


def test_make_primary_moves_the_flag_from_the_old_to_the_new(personas):
    old = create(personas.alice, RECEIVER, name="Gammel").system
    new = create(personas.alice, RECEIVER, name="Ny").system
    system_make_primary(actor=actor_of(personas.alice), system=new)
    assert (reload(old).is_primary, reload(new).is_primary) == (False, True)
    assert primaries(personas.alice.organisation) == ["Ny"]


def test_make_primary_of_the_primary_changes_nothing(personas):
    primary = create(personas.alice, RECEIVER).system
    before = snapshot()
    system_make_primary(actor=actor_of(personas.alice), system=primary)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["alice", "birgitte"])
def test_make_primary_refuses_a_sender_or_a_companys_system(personas, who):
    membership = getattr(personas, who)
    system = create(membership, SENDER if who == "alice" else RECEIVER).system
    refused(
        lambda: system_make_primary(actor=actor_of(membership), system=system),
        field="",
        message="Kun en myndigheds modtagersystemer kan være primærsystem.",
    )


def test_the_database_refuses_a_second_primary(personas):
    create(personas.alice, RECEIVER, name="Første")
    second = create(personas.alice, RECEIVER, name="Anden").system
    with pytest.raises(IntegrityError), transaction.atomic():
        MailSystem.objects.filter(pk=second.pk).update(is_primary=True)
    assert primaries(personas.alice.organisation) == ["Første"]


def test_the_database_refuses_a_sender_as_primary(personas):
    sender = create(personas.alice, SENDER).system
    with pytest.raises(IntegrityError), transaction.atomic():
        MailSystem.objects.filter(pk=sender.pk).update(is_primary=True)


def test_primaries_of_different_authorities_do_not_collide(personas):
    create(personas.alice, RECEIVER, name="A")
    create(personas.maja, RECEIVER, name="M")
    assert primaries(personas.alice.organisation) == ["A"]
    assert primaries(personas.maja.organisation) == ["M"]


def test_the_primary_cannot_be_deleted_while_other_receivers_exist(personas):
    primary = create(personas.alice, RECEIVER, name="Primær").system
    create(personas.alice, RECEIVER, name="Anden")
    refused(
        lambda: system_delete(actor=actor_of(personas.alice), system=primary),
        field="",
        message=PRIMARY_DELETE,
    )


def test_the_primary_can_be_deleted_when_it_is_the_last_receiver(personas):
    primary = create(personas.alice, RECEIVER, name="Primær").system
    create(personas.alice, SENDER, name="Afsender")
    system_delete(actor=actor_of(personas.alice), system=primary)
    assert list(systems_of(personas.alice.organisation).values_list("name", flat=True)) == [
        "Afsender"
    ]
    assert primaries(personas.alice.organisation) == []


def test_after_the_last_receiver_is_deleted_the_next_receiver_becomes_primary(personas):
    primary = create(personas.alice, RECEIVER, name="Primær").system
    system_delete(actor=actor_of(personas.alice), system=primary)
    create(personas.alice, RECEIVER, name="Ny")
    assert primaries(personas.alice.organisation) == ["Ny"]


def test_a_non_primary_receiver_can_be_deleted(personas):
    create(personas.alice, RECEIVER, name="Primær")
    other = create(personas.alice, RECEIVER, name="Anden").system
    system_delete(actor=actor_of(personas.alice), system=other)
    assert primaries(personas.alice.organisation) == ["Primær"]


def test_the_primary_cannot_stop_receiving_while_other_receivers_exist(personas):
    primary = create(personas.alice, BOTH, name="Primær", activation=Activation.NEVER).system
    create(personas.alice, RECEIVER, name="Anden")
    refused(
        lambda: update(personas.alice, primary, is_receiver=False),
        field="types",
        message=PRIMARY_STOP_RECEIVING,
    )


def test_the_last_receiver_stops_receiving_and_stops_being_primary(personas):
    primary = create(personas.alice, BOTH, name="Primær", activation=Activation.NEVER).system
    update(personas.alice, primary, is_receiver=False)
    assert (reload(primary).is_receiver, reload(primary).is_primary) == (False, False)


def test_a_sender_that_starts_receiving_becomes_primary_when_there_is_none(personas):
    sender = create(personas.alice, SENDER, activation=Activation.NEVER).system
    update(personas.alice, sender, is_receiver=True)
    assert reload(sender).is_primary is True


def test_a_sender_that_starts_receiving_does_not_take_the_primary(personas):
    create(personas.alice, RECEIVER, name="Primær")
    sender = create(personas.alice, SENDER, name="Afsender", activation=Activation.NEVER).system
    update(personas.alice, sender, is_receiver=True)
    assert primaries(personas.alice.organisation) == ["Primær"]


# --- a company's one receiver system --------------------------------------------------


@pytest.mark.parametrize("types", [RECEIVER, BOTH], ids=["receiver", "sender+receiver"])
def test_a_company_cannot_create_a_second_receiver(personas, types):
    create(personas.birgitte, RECEIVER, name="Modtager")
    refused(
        lambda: create(personas.birgitte, types, name="Nummer to"),
        field="types",
        message=COMPANY_RECEIVER,
    )


def test_a_company_can_have_many_senders_beside_its_receiver(personas):
    create(personas.birgitte, RECEIVER, name="Modtager")
    create(personas.birgitte, SENDER, name="Afsender 1")
    create(personas.birgitte, SENDER, name="Afsender 2")
    assert systems_of(personas.birgitte.organisation).count() == 3


def test_a_company_cannot_turn_a_sender_into_a_second_receiver(personas):
    create(personas.birgitte, RECEIVER, name="Modtager")
    sender = create(personas.birgitte, SENDER, activation=Activation.NEVER).system
    refused(
        lambda: update(personas.birgitte, sender, is_receiver=True),
        field="types",
        message=COMPANY_RECEIVER,
    )


def test_a_company_may_create_a_receiver_again_after_deleting_its_receiver(personas):
    first = create(personas.birgitte, RECEIVER, name="Modtager").system
    system_delete(actor=actor_of(personas.birgitte), system=first)
    create(personas.birgitte, RECEIVER, name="Ny modtager")
    assert systems_of(personas.birgitte.organisation).filter(is_receiver=True).count() == 1


def test_a_companys_receiver_may_be_edited_without_counting_itself(personas):
    receiver = create(personas.birgitte, RECEIVER, activation=Activation.NEVER).system
    update(personas.birgitte, receiver, name="Nyt navn", is_sender=True)
    assert reload(receiver).name == "Nyt navn"


def test_an_authority_may_have_many_receivers(personas):
    for n in range(3):
        create(personas.alice, RECEIVER, name=f"Modtager {n}")
    assert systems_of(personas.alice.organisation).filter(is_receiver=True).count() == 3


# --- locked while active --------------------------------------------------------------


LOCKED_CHANGES = [
    (
        "protocol",
        {
            "protocol": Protocol.REST_PUSH,
            "endpoint": ENDPOINT,
            "receipt_endpoint": RECEIPT_ENDPOINT,
        },
    ),
    ("is_sender", {"is_sender": False}),
    ("is_receiver", {"is_receiver": False}),
    ("active_from", {"active_from": "later"}),
]


@pytest.mark.parametrize(("field", "changes"), LOCKED_CHANGES, ids=[f for f, _ in LOCKED_CHANGES])
def test_protocol_types_and_activation_cannot_change_while_active(personas, field, changes):
    system = create(personas.alice, BOTH, Protocol.REST_PULL).system
    if "active_from" in changes:
        changes = {"active_from": clock_now() + timedelta(days=1)}
    refused(lambda: update(personas.alice, system, **changes), field=field, message=LOCKED_ACTIVE)


@pytest.mark.parametrize(("field", "changes"), LOCKED_CHANGES, ids=[f for f, _ in LOCKED_CHANGES])
def test_protocol_types_and_activation_can_change_while_inactive(personas, field, changes):
    system = create(personas.alice, BOTH, Protocol.REST_PULL, activation=Activation.NEVER).system
    if "active_from" in changes:
        changes = {"active_from": clock_now() + timedelta(days=1)}
    update(personas.alice, system, **changes)
    assert getattr(reload(system), field) == changes[field]


def test_an_awaiting_system_may_change_its_protocol(personas):
    system = create(
        personas.alice,
        SENDER,
        Protocol.REST_PULL,
        activation=Activation.AT,
        active_from=clock_now() + timedelta(hours=2),
    ).system
    update(personas.alice, system, protocol=Protocol.REST_PUSH, receipt_endpoint=RECEIPT_ENDPOINT)
    assert reload(system).protocol == Protocol.REST_PUSH


def test_an_active_system_may_change_name_contact_and_deactivation(personas):
    system = create(personas.alice, SENDER).system
    until = clock_now() + timedelta(days=30)
    update(personas.alice, system, name="Nyt navn", contact_name="Ny kontakt", active_to=until)
    system = reload(system)
    assert (system.name, system.contact_name, system.active_to) == (
        "Nyt navn",
        "Ny kontakt",
        until,
    )


def test_an_unchanged_locked_field_may_be_resubmitted_while_active(personas):
    system = create(personas.alice, SENDER).system
    update(
        personas.alice,
        system,
        protocol=system.protocol,
        is_sender=True,
        is_receiver=False,
        active_from=system.active_from,
        name="Nyt navn",
    )
    assert reload(system).name == "Nyt navn"


def test_changing_the_protocol_checks_the_new_combination(personas):
    system = create(personas.alice, SENDER, Protocol.REST_PULL, activation=Activation.NEVER).system
    refused(
        lambda: update(personas.alice, system, protocol=Protocol.REST_PUSH),
        field="receipt_endpoint",
        message="Angiv Kvitterings-end point.",
    )
    refused(
        lambda: update(personas.alice, system, protocol=Protocol.REST_PUBLISH_SUBSCRIBE),
        field="protocol",
        message=PROTOCOL_REFUSED,
    )


def test_update_refuses_a_field_that_is_not_editable(personas):
    system = create(personas.alice, SENDER).system
    with pytest.raises(ValueError, match="Not editable"):
        update(personas.alice, system, is_primary=True)


# --- standard supplier systems --------------------------------------------------------


@pytest.fixture
def template(personas):
    supplier = personas.sune.organisation
    supplier.is_system_supplier = True
    supplier.save(update_fields=["is_system_supplier"])
    return SystemTemplate.objects.create(
        supplier=supplier,
        name="Leverandør S Post",
        is_sender=True,
        is_receiver=True,
        protocol=Protocol.REST_PUSH,
        allowed_ips=["203.0.113.5", "203.0.113.6"],
        endpoint="https://post.leverandoer-s.dk/modtag",
        receipt_endpoint="https://post.leverandoer-s.dk/kvittering",
        contact_name="Leverandør S drift",
        contact_email="drift@leverandoer-s.dk",
        contact_phone="+45 70 10 20 30",
    )


def from_template(membership, template, **overrides):
    return create(
        membership,
        SENDER,
        Protocol.REST_PULL,
        template_id=template.pk,
        activation=Activation.NEVER,
        **overrides,
    ).system


def test_a_template_defines_connection_contact_and_delegation(personas, template):
    system = reload(from_template(personas.alice, template, contact_name="Overskrevet"))
    assert (system.is_sender, system.is_receiver, system.protocol) == (
        True,
        True,
        Protocol.REST_PUSH,
    )
    assert system.allowed_ips == template.allowed_ips
    assert (system.endpoint, system.contact_name) == (template.endpoint, template.contact_name)
    assert system.delegated_cvr == personas.sune.organisation.cvr
    assert system.supplier_name == personas.sune.organisation.name
    assert system.template_id == template.pk


TEMPLATE_CHANGES = [
    ("protocol", Protocol.REST_PULL),
    ("is_sender", False),
    ("allowed_ips", ["192.0.2.99"]),
    ("endpoint", "https://andet.example.dk/modtag"),
    ("receipt_endpoint", "https://andet.example.dk/kvittering"),
    ("contact_name", "Andet navn"),
    ("contact_email", "andet@example.dk"),
    ("contact_phone", "+45 70 99 99 99"),
    ("delegated_cvr", SUPPLIER_CVR),
    ("supplier_name", "Anden leverandør"),
]


@pytest.mark.parametrize(("field", "value"), TEMPLATE_CHANGES, ids=[f for f, _ in TEMPLATE_CHANGES])
def test_fields_of_a_template_cannot_change(personas, template, field, value):
    system = from_template(personas.alice, template)
    refused(
        lambda: update(personas.alice, system, **{field: value}),
        field=field,
        message=LOCKED_TEMPLATE,
    )


def test_a_template_systems_own_fields_can_change(personas, template):
    system = from_template(personas.alice, template)
    update(personas.alice, system, name="Eget navn", extra_email="ekstra@kommune-a.dk")
    assert reload(system).name == "Eget navn"


def test_a_template_systems_ips_may_be_resubmitted_as_a_tuple(personas, template):
    system = from_template(personas.alice, template)
    update(personas.alice, system, allowed_ips=tuple(template.allowed_ips), name="Nyt")
    assert reload(system).name == "Nyt"


def test_an_unpublished_template_is_refused(personas, template):
    template.is_published = False
    template.save()
    refused(
        lambda: from_template(personas.alice, template),
        field="template",
        message="Det valgte standard leverandørsystem findes ikke længere.",
    )


# --- the activation window ------------------------------------------------------------


def test_activation_at_a_time_in_the_past_is_refused(personas):
    refused(
        lambda: create(
            personas.alice,
            activation=Activation.AT,
            active_from=clock_now() - timedelta(hours=1),
        ),
        field="active_from",
        message="Aktiveringstidspunktet ligger i fortiden. Vælg et tidspunkt frem i tiden.",
    )


def test_activation_at_a_chosen_time_needs_the_time(personas):
    refused(
        lambda: create(personas.alice, activation=Activation.AT, active_from=None),
        field="active_from",
        message="Vælg dato og tid for aktiveringen.",
    )


def test_deactivation_before_a_chosen_activation_is_refused(personas):
    start = clock_now() + timedelta(days=2)
    refused(
        lambda: create(
            personas.alice,
            activation=Activation.AT,
            active_from=start,
            active_to=start - timedelta(days=1),
        ),
        field="active_to",
        message="Deaktiveringstidspunktet skal ligge efter aktiveringstidspunktet.",
    )


def test_deactivation_equal_to_activation_is_refused(personas):
    start = clock_now() + timedelta(days=2)
    refused(
        lambda: create(
            personas.alice, activation=Activation.AT, active_from=start, active_to=start
        ),
        field="active_to",
        message="Deaktiveringstidspunktet skal ligge efter aktiveringstidspunktet.",
    )


def test_deactivation_in_the_past_is_refused_on_create(personas):
    refused(
        lambda: create(personas.alice, active_to=clock_now() - timedelta(hours=1)),
        field="active_to",
        message="Deaktiveringstidspunktet ligger i fortiden.",
    )


def test_deactivation_in_the_past_is_refused_on_update(personas):
    system = create(personas.alice).system
    refused(
        lambda: update(personas.alice, system, active_to=clock_now() - timedelta(hours=1)),
        field="active_to",
        message="Deaktiveringstidspunktet ligger i fortiden.",
    )


def test_deactivation_without_activation_is_refused(personas):
    refused(
        lambda: create(
            personas.alice,
            activation=Activation.NEVER,
            active_to=clock_now() + timedelta(days=1),
        ),
        field="active_to",
        message="Et deaktiveringstidspunkt kræver, at systemet aktiveres.",
    )


def test_removing_the_activation_of_a_system_with_a_deactivation_is_refused(personas):
    start = clock_now() + timedelta(days=1)
    system = create(
        personas.alice,
        activation=Activation.AT,
        active_from=start,
        active_to=start + timedelta(days=1),
    ).system
    refused(
        lambda: update(personas.alice, system, active_from=None),
        field="active_to",
        message="Et deaktiveringstidspunkt kræver, at systemet aktiveres.",
    )


def test_activation_in_the_past_is_refused_on_update(personas):
    system = create(personas.alice, activation=Activation.NEVER).system
    refused(
        lambda: update(personas.alice, system, active_from=clock_now() - timedelta(days=1)),
        field="active_from",
        message="Aktiveringstidspunktet ligger i fortiden. Vælg et tidspunkt frem i tiden.",
    )


def test_an_unknown_activation_mode_is_refused(personas):
    refused(
        lambda: create(
            personas.alice, activation="tomorrow", active_from=clock_now() + timedelta(days=1)
        ),
        field="active_from",
    )


def test_activation_never_ignores_a_given_time(personas):
    system = create(
        personas.alice, activation=Activation.NEVER, active_from=clock_now() + timedelta(days=1)
    ).system
    assert reload(system).active_from is None


def test_activation_now_uses_the_services_clock(personas):
    moment = clock_now()
    system = create(personas.alice, now=moment).system
    assert reload(system).active_from == moment


# --- deletion -------------------------------------------------------------------------


def test_a_deleted_system_is_gone_from_the_organisations_systems(personas):
    system = create(personas.alice, SENDER).system
    system_delete(actor=actor_of(personas.alice), system=system)
    assert not systems_of(personas.alice.organisation).filter(pk=system.pk).exists()
    assert reload(system).deleted_at is not None


def test_a_deleted_systems_key_stops_working(personas):
    created = create(personas.alice, SENDER)
    assert authenticate_system(created.api_key, ALLOWED_IP, clock_now())
    system_delete(actor=actor_of(personas.alice), system=created.system)
    refusal = authenticate_system(created.api_key, ALLOWED_IP, clock_now())
    assert not refusal
    assert refusal.status == 401


def test_a_deleted_system_cannot_be_changed(personas):
    system = create(personas.alice, SENDER).system
    system_delete(actor=actor_of(personas.alice), system=system)
    with pytest.raises(MailSystem.DoesNotExist):
        update(personas.alice, system, name="Igen")


# --- typed values are checked by the service too --------------------------------------

# (spec field, bad value, error field, message): what the forms refuse, the service refuses,
# so a script or a tampered request cannot store it either.
BAD_VALUES = [
    ("name", "  ", "name", "Giv systemet et navn."),
    ("name", "x" * 101, "name", "Navnet må højst være 100 tegn (du har skrevet 101)."),
    ("name", "Post\x00ind", "name", "Navnet indeholder tegn, der ikke kan bruges."),
    ("supplier_name", "Lev\x00", "supplier_name", "Navnet indeholder tegn, der ikke kan bruges."),
    ("allowed_ips", ("10.0.0.300",), "ips", "»10.0.0.300« er ikke en gyldig IP-adresse."),
    (
        "allowed_ips",
        tuple(f"192.0.2.{n}" for n in range(1, 34)),
        "ips",
        "Du kan højst angive 32 IP-adresser (du har angivet 33).",
    ),
    (
        "endpoint",
        "http://post.kommune-a.dk/modtag",
        "endpoint",
        "End point skal benytte SSL (https-protokol), fx https://post.eksempel.dk/modtag.",
    ),
    (
        "receipt_endpoint",
        "/kvittering",
        "receipt_endpoint",
        "Kvitterings-end point skal være en fuld adresse, der begynder med https://, fx "
        "https://post.eksempel.dk/modtag.",
    ),
    ("delegated_cvr", "10150818", "delegated_cvr", "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
    (
        "contact_email",
        "it-drift",
        "contact_email",
        "Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk.",
    ),
    (
        "contact_phone",
        "ring til IT",
        "contact_phone",
        "Telefonnummeret er ikke gyldigt. Skriv fx 33 12 34 56 eller +45 33 12 34 56.",
    ),
    ("contact_name", "", "contact_name", "Angiv navnet på den tekniske kontakt."),
    (
        "extra_email",
        "vagt@",
        "extra_email",
        "Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk.",
    ),
]


@pytest.mark.parametrize(
    ("spec_field", "value", "field", "message"),
    BAD_VALUES,
    ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_VALUES)],
)
def test_create_refuses_what_the_forms_refuse(personas, spec_field, value, field, message):
    refused(
        lambda: create(personas.alice, BOTH, Protocol.REST_PUSH, **{spec_field: value}),
        field=field,
        message=message,
    )


@pytest.mark.parametrize(
    ("spec_field", "value", "field", "message"),
    BAD_VALUES,
    ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_VALUES)],
)
def test_update_refuses_what_the_forms_refuse(personas, spec_field, value, field, message):
    system = create(personas.alice, BOTH, Protocol.REST_PUSH).system
    refused(
        lambda: update(personas.alice, system, **{spec_field: value}), field=field, message=message
    )


def test_create_refuses_a_private_ssh_key(personas):
    refused(
        lambda: create(
            personas.alice,
            SENDER,
            Protocol.SFTP,
            ssh_public_key="-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END ...-----",
        ),
        field="ssh_public_key",
        message=(
            "Du har indsat en privat nøgle. Indsæt kun den offentlige nøgle (filen ender typisk "
            "på .pub), og lav et nyt nøglepar, da den private nøgle ikke længere kan regnes for "
            "hemmelig."
        ),
    )


def test_create_stores_typed_values_normalised(personas):
    system = reload(
        create(
            personas.alice,
            name="  ESDH   post ",
            allowed_ips=("2001:DB8::1", "192.0.2.1", "192.0.2.1"),
            contact_email="IT-Drift@Kommune-A.DK",
            contact_phone="33123456",
            delegated_cvr="10 15 08 17",
        ).system
    )
    assert system.name == "ESDH post"
    assert system.allowed_ips == ["2001:db8::1", "192.0.2.1"]
    assert (system.contact_email, system.contact_phone) == (
        "it-drift@kommune-a.dk",
        "+45 33 12 34 56",
    )
    assert system.delegated_cvr == "10150817"


def test_update_with_the_same_value_spelled_differently_is_no_change(personas):
    system = create(personas.alice).system
    before = snapshot()
    update(personas.alice, system, contact_phone="33 12 34 56", allowed_ips=[ALLOWED_IP])
    assert snapshot() == before


def test_update_of_a_range_is_normalised(personas):
    system = create(personas.alice, activation=Activation.NEVER).system
    update(personas.alice, system, allowed_ips=[], ip_range="10.0.0.1 - 10.0.0.9")
    assert (reload(system).allowed_ips, reload(system).ip_range) == ([], "10.0.0.1-10.0.0.9")
