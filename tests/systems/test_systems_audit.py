"""Every change to a system is in the action log with field, before and after (SPEC §3, §14).

Subject "System", the acting person (or "System" for the scheduler), the system's id and name,
written in the same transaction as the change: nothing is logged when a rule refuses.
"""

from datetime import timedelta

import pytest
from django.utils import translation

from adgang.audit.models import ActionLogEntry
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.rules import BOTH, RECEIVER, SENDER
from adgang.systems.services import (
    Activation,
    SystemRuleError,
    system_delete,
    system_make_primary,
    system_renew_api_key,
    system_update,
    systems_apply_schedule,
)
from tests.support.systems_core import (
    ALLOWED_IP,
    ENDPOINT,
    T0,
    actor_of,
    create,
    reload,
    system_log,
)

ALICE = "CVR:31415926-RID:1001"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return T0


def rows(entries) -> list[tuple[str, str, str]]:
    return sorted((e.field, e.before, e.after) for e in entries)


def assert_about(entries, system, *, event: str, actor: str = ALICE) -> None:
    assert entries
    for entry in entries:
        assert entry.subject == "System"
        assert (entry.actor, entry.event) == (actor, event)
        assert (entry.object_id, entry.object_name) == (str(system.pk), system.name)
        assert entry.organisation_id == system.organisation_id


def test_the_log_is_danish_when_the_person_uses_english(personas, frozen):
    with translation.override("en"):
        system = create(personas.alice, RECEIVER, Protocol.REST_PUSH, endpoint=ENDPOINT).system
        system_make_primary(actor=actor_of(personas.alice), system=system)
    entries = {e.field: e for e in system_log(system.pk)}
    assert {e.event for e in entries.values()} == {"Oprettet"}
    assert entries["Protokol"].after == "REST PUSH"
    assert entries["Primærsystem"].after == "Ja"
    assert entries["Teknisk ansvarlig for systemet"].after


def test_create_logs_one_entry_per_field_with_a_value(personas, frozen):
    system = create(
        personas.alice,
        RECEIVER,
        Protocol.REST_PUSH,
        name="Post ind",
        supplier_name="Leverandør X",
        endpoint=ENDPOINT,
        move_post_from_virk=True,
        extra_email="vagt@kommune-a.dk",
    ).system
    entries = list(system_log(system.pk))
    assert_about(entries, system, event="Oprettet")
    assert (entries[0].actor_cvr, entries[0].actor_rid) == ("31415926", "1001")
    assert rows(entries) == sorted(
        [
            ("Navn", "", "Post ind"),
            ("Systemleverandør", "", "Leverandør X"),
            ("Afsendersystem", "", "Nej"),
            ("Modtagersystem", "", "Ja"),
            ("Protokol", "", "REST PUSH"),
            ("IP-adresser", "", ALLOWED_IP),
            ("End point", "", ENDPOINT),
            ("Flyt eksisterende post fra Virk", "", "Ja"),
            ("Systemet aktiveres fra", "", "2026-03-02 10:00:00+01:00"),
            ("Teknisk ansvarlig for systemet", "", "IT-drift"),
            ("Kontakte-mail", "", "it-drift@kommune-a.dk"),
            ("Kontakttilf.nr.", "", "+45 33 12 34 56"),
            ("Ekstra kontakte-mail", "", "vagt@kommune-a.dk"),
            ("Primærsystem", "", "Ja"),
        ]
    )


def test_create_logs_the_power_of_attorney(personas, frozen):
    system = create(personas.alice, SENDER, delegated_cvr="10150817").system
    entries = list(system_log(system.pk))
    assert {e.power_of_attorney for e in entries} == {"10150817"}
    assert ("Systemfuldmagt", "", "10150817") in rows(entries)


def test_create_does_not_log_the_api_key(personas, frozen):
    created = create(personas.alice, SENDER)
    secret = created.api_key.split()[1]
    for entry in system_log(created.system.pk):
        assert secret not in entry.after
        assert created.system.api_key_hash not in entry.after


def test_update_logs_only_the_changed_fields(personas, frozen):
    system = create(personas.alice, SENDER, name="Gammelt navn").system
    before = set(system_log().values_list("pk", flat=True))
    system_update(
        actor=actor_of(personas.alice),
        system=system,
        changes={
            "name": "Nyt navn",
            "contact_email": "ny@kommune-a.dk",
            "contact_phone": "+45 33 12 34 56",  # unchanged: not logged
            "protocol": Protocol.REST_PULL,  # unchanged
        },
    )
    entries = list(system_log(system.pk).exclude(pk__in=before))
    assert_about(entries, reload(system), event="Ændret")
    assert rows(entries) == [
        ("Kontakte-mail", "it-drift@kommune-a.dk", "ny@kommune-a.dk"),
        ("Navn", "Gammelt navn", "Nyt navn"),
    ]


def test_update_logs_the_system_name_and_the_contact_name_apart(personas, frozen):
    system = create(personas.alice, SENDER, name="System").system
    before = set(system_log().values_list("pk", flat=True))
    system_update(
        actor=actor_of(personas.alice),
        system=system,
        changes={"name": "Nyt system", "contact_name": "Driftscentret"},
    )
    assert rows(system_log(system.pk).exclude(pk__in=before)) == [
        ("Navn", "System", "Nyt system"),
        ("Teknisk ansvarlig for systemet", "IT-drift", "Driftscentret"),
    ]


def test_update_logs_the_fields_a_new_protocol_drops(personas, frozen):
    system = create(
        personas.alice,
        RECEIVER,
        Protocol.REST_PUSH,
        endpoint=ENDPOINT,
        move_post_from_virk=True,
        activation=Activation.NEVER,
    ).system
    before = set(system_log().values_list("pk", flat=True))
    system_update(
        actor=actor_of(personas.alice), system=system, changes={"protocol": Protocol.REST_PULL}
    )
    assert rows(system_log(system.pk).exclude(pk__in=before)) == [
        ("End point", ENDPOINT, ""),
        ("Flyt eksisterende post fra Virk", "Ja", "Nej"),
        ("Protokol", "REST PUSH", "REST PULL"),
    ]


def test_update_logs_the_primary_flag_a_new_receiver_gains(personas, frozen):
    system = create(personas.alice, SENDER, activation=Activation.NEVER).system
    before = set(system_log().values_list("pk", flat=True))
    system_update(actor=actor_of(personas.alice), system=system, changes={"is_receiver": True})
    assert rows(system_log(system.pk).exclude(pk__in=before)) == [
        ("Modtagersystem", "Nej", "Ja"),
        ("Primærsystem", "Nej", "Ja"),
    ]


def test_update_without_a_change_logs_nothing_and_keeps_the_version(personas, frozen):
    system = create(personas.alice, SENDER).system
    count = system_log().count()
    system_update(
        actor=actor_of(personas.alice),
        system=system,
        changes={"name": system.name, "allowed_ips": (ALLOWED_IP,)},
    )
    assert system_log().count() == count
    assert reload(system).version == 1


def test_delete_logs_the_status(personas, frozen):
    system = create(personas.alice, SENDER).system
    system_delete(actor=actor_of(personas.alice), system=system)
    entries = list(system_log(system.pk).filter(event="Slettet"))
    assert_about(entries, system, event="Slettet")
    assert rows(entries) == [("Status", "Aktiv", "Slettet")]


def test_make_primary_logs_both_systems(personas, frozen):
    old = create(personas.alice, RECEIVER, name="Gammel").system
    new = create(personas.alice, RECEIVER, name="Ny").system
    system_make_primary(actor=actor_of(personas.alice), system=new)
    entries = list(system_log().filter(event="Primærsystem skiftet"))
    assert {(e.object_name, e.field, e.before, e.after) for e in entries} == {
        ("Gammel", "Primærsystem", "Ja", "Nej"),
        ("Ny", "Primærsystem", "Nej", "Ja"),
    }
    assert {e.object_id for e in entries} == {str(old.pk), str(new.pk)}
    assert {e.actor for e in entries} == {ALICE}


def test_renewing_the_key_logs_when_without_the_key(personas, time_machine, frozen):
    created = create(personas.alice, SENDER)
    time_machine.move_to(T0 + timedelta(days=1), tick=False)
    header = system_renew_api_key(actor=actor_of(personas.alice), system=created.system)
    entries = list(system_log(created.system.pk).filter(event="API-key fornyet"))
    assert_about(entries, created.system, event="API-key fornyet")
    assert rows(entries) == [
        ("API-key udstedt", "2026-03-02 10:00:00+01:00", "2026-03-03 10:00:00+01:00")
    ]
    assert header.split()[1] not in entries[0].after


def test_the_schedule_logs_as_actor_system(personas, time_machine, frozen):
    system = create(
        personas.alice, SENDER, activation=Activation.AT, active_from=T0 + timedelta(hours=1)
    ).system
    systems_apply_schedule(now=T0 + timedelta(hours=1))
    entries = list(system_log(system.pk).filter(event="Aktiveret"))
    assert_about(entries, system, event="Aktiveret", actor="System")
    assert rows(entries) == [("Status", "Afventer aktivering", "Aktiv")]


# --- nothing is logged when a rule refuses --------------------------------------------


# Each case sets up what it needs and returns the call that a rule refuses.


def refuse_create_combination(p):
    return lambda: create(p.alice, SENDER, Protocol.REST_PUBLISH_SUBSCRIBE)


def refuse_company_receiver(p):
    create(p.birgitte, RECEIVER, name="Første")
    return lambda: create(p.birgitte, BOTH, name="Anden")


def refuse_delete_primary(p):
    primary = create(p.alice, RECEIVER, name="Primær").system
    create(p.alice, RECEIVER, name="Anden")
    return lambda: system_delete(actor=actor_of(p.alice), system=primary)


def refuse_locked_while_active(p):
    system = create(p.alice, SENDER).system
    return lambda: system_update(
        actor=actor_of(p.alice), system=system, changes={"protocol": Protocol.SFTP}
    )


def refuse_template_field_after_other_changes(p):
    system = create(p.alice, SENDER, activation=Activation.NEVER).system
    # The name is valid; the invalid combination comes after it in the same call.
    return lambda: system_update(
        actor=actor_of(p.alice),
        system=system,
        changes={"name": "Nyt navn", "protocol": Protocol.REST_PUBLISH_SUBSCRIBE},
    )


def refuse_make_primary_sender(p):
    system = create(p.alice, SENDER).system
    return lambda: system_make_primary(actor=actor_of(p.alice), system=system)


def refuse_past_deactivation(p):
    system = create(p.alice, SENDER).system
    return lambda: system_update(
        actor=actor_of(p.alice), system=system, changes={"active_to": T0 - timedelta(days=1)}
    )


@pytest.mark.parametrize(
    "case",
    [
        refuse_create_combination,
        refuse_company_receiver,
        refuse_delete_primary,
        refuse_locked_while_active,
        refuse_template_field_after_other_changes,
        refuse_make_primary_sender,
        refuse_past_deactivation,
    ],
)
def test_nothing_is_logged_when_a_rule_refuses(personas, frozen, case):
    call = case(personas)
    entries = ActionLogEntry.objects.count()
    systems = list(MailSystem.objects.order_by("pk").values())
    with pytest.raises(SystemRuleError):
        call()
    assert ActionLogEntry.objects.count() == entries
    assert list(MailSystem.objects.order_by("pk").values()) == systems


def test_a_failing_log_write_undoes_the_change(personas, frozen, monkeypatch):
    from adgang.systems import services

    def broken(**kwargs):
        raise RuntimeError("log unavailable")

    monkeypatch.setattr(services, "action_record_changes", broken)
    with pytest.raises(RuntimeError, match="log unavailable"):
        create(personas.alice, RECEIVER)
    assert not MailSystem.objects.exists()


def test_a_failing_log_write_undoes_a_deletion(personas, frozen, monkeypatch):
    from adgang.systems import services

    system = create(personas.alice, RECEIVER).system

    def broken(**kwargs):
        raise RuntimeError("log unavailable")

    monkeypatch.setattr(services, "action_record", broken)
    with pytest.raises(RuntimeError, match="log unavailable"):
        system_delete(actor=actor_of(personas.alice), system=system)
    assert reload(system).deleted_at is None
    assert reload(system).is_primary
