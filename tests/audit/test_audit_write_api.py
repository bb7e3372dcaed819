"""The write API of the two logs (SPEC §5, §14): what each entry holds, and when it is written."""

from datetime import UTC, date, datetime

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from adgang.accounts.context import ActingContext
from adgang.audit.models import ActionLogEntry, Register, SearchLogEntry, Subject
from adgang.audit.services import (
    SYSTEM,
    Actor,
    AuditOutsideTransactionError,
    action_record,
    action_record_changes,
    search_record,
)

OUTSIDE = "Audit entries must be written in the transaction of the change they describe."


def actor_of(membership) -> Actor:
    return Actor.of(ActingContext(membership.person, membership, membership.organisation))


def record(organisation, **fields) -> ActionLogEntry:
    defaults = {
        "actor": SYSTEM,
        "organisation": organisation,
        "subject": Subject.SYSTEM,
        "event": "Redigeret",
    }
    with transaction.atomic():
        return action_record(**(defaults | fields))


# --- action_record ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_action_record_refuses_to_write_outside_a_transaction(personas):
    count = ActionLogEntry.objects.count()
    with pytest.raises(AuditOutsideTransactionError, match=OUTSIDE):
        action_record(
            actor=SYSTEM,
            organisation=personas.alice.organisation,
            subject=Subject.SYSTEM,
            event="Oprettet",
        )
    assert ActionLogEntry.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_action_record_changes_refuses_to_write_outside_a_transaction(personas):
    count = ActionLogEntry.objects.count()
    with pytest.raises(AuditOutsideTransactionError, match=OUTSIDE):
        action_record_changes(
            actor=SYSTEM,
            organisation=personas.alice.organisation,
            subject=Subject.SYSTEM,
            event="Redigeret",
            object_id="42",
            changes={"navn": ("A", "B")},
        )
    assert ActionLogEntry.objects.count() == count


def test_action_record_writes_every_field(personas, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    alice = personas.alice
    entry = record(
        alice.organisation,
        actor=actor_of(alice),
        subject=Subject.FRITAGELSE,
        event="Fritaget",
        object_id=42,
        object_name="Fritagelse for Jens Hansen",
        concerns="0101801234",
        field="udløbsdato",
        before=None,
        after=date(2027, 1, 31),
        reason="Borgeren er flyttet til udlandet",
        power_of_attorney="Fuldmagt 17",
    )
    stored = ActionLogEntry.objects.get(pk=entry.pk)
    assert {
        "occurred_at": stored.occurred_at,
        "organisation": stored.organisation_id,
        "actor": stored.actor,
        "actor_cvr": stored.actor_cvr,
        "actor_rid": stored.actor_rid,
        "subject": stored.subject,
        "event": stored.event,
        "object_id": stored.object_id,
        "object_name": stored.object_name,
        "concerns": stored.concerns,
        "field": stored.field,
        "before": stored.before,
        "after": stored.after,
        "reason": stored.reason,
        "power_of_attorney": stored.power_of_attorney,
    } == {
        "occurred_at": datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        "organisation": alice.organisation_id,
        "actor": f"CVR:{alice.organisation.cvr}-RID:1001",
        "actor_cvr": alice.organisation.cvr,
        "actor_rid": "1001",
        "subject": "Fritagelse",
        "event": "Fritaget",
        "object_id": "42",
        "object_name": "Fritagelse for Jens Hansen",
        "concerns": "0101801234",
        "field": "udløbsdato",
        "before": "",
        "after": "2027-01-31",
        "reason": "Borgeren er flyttet til udlandet",
        "power_of_attorney": "Fuldmagt 17",
    }


def test_the_platform_acts_as_system(personas):
    entry = record(personas.alice.organisation, actor=SYSTEM, event="Aktiveret")
    assert (entry.actor, entry.actor_cvr, entry.actor_rid) == ("System", "", "")


def test_an_action_may_belong_to_no_organisations_log(db):
    entry = record(None, event="Oprettet")
    assert ActionLogEntry.objects.get(pk=entry.pk).organisation is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(None, "", id="none"),
        pytest.param("", "", id="blank"),
        pytest.param(7, "7", id="int"),
        pytest.param(True, "Ja", id="true"),
        pytest.param(False, "Nej", id="false"),
        pytest.param(["b", "a"], "b, a", id="list-keeps-order"),
        pytest.param(("x", 1), "x, 1", id="tuple"),
        pytest.param({"sms", "brev", "app"}, "app, brev, sms", id="set-sorted"),
        pytest.param(frozenset({2, 1}), "1, 2", id="frozenset-sorted"),
        pytest.param(date(2026, 3, 2), "2026-03-02", id="date"),
        pytest.param(
            datetime(2026, 7, 1, 10, 0, 0, 123, tzinfo=UTC),
            "2026-07-01 12:00:00+02:00",
            id="datetime-in-danish-time",
        ),
    ],
)
def test_values_are_written_as_a_caseworker_reads_them(db, value, text):
    entry = record(None, before=value, after=value)
    assert (entry.before, entry.after) == (text, text)


# --- action_record_changes --------------------------------------------------------------


def test_action_record_changes_writes_one_entry_per_changed_field(personas):
    alice = personas.alice
    with transaction.atomic():
        entries = action_record_changes(
            actor=actor_of(alice),
            organisation=alice.organisation,
            subject=Subject.SYSTEM,
            event="Redigeret",
            object_id=42,
            object_name="Fagsystem",
            changes={
                "navn": ("Fagsystem", "Fagsystem 2"),
                "protokol": ("REST_PUSH", "REST_PUSH"),
                "ip-adresser": (["10.0.0.1"], ["10.0.0.1", "10.0.0.2"]),
                "aktiv": (False, False),
            },
            reason="Ny server",
        )
    stored = ActionLogEntry.objects.filter(object_id="42").order_by("field")
    assert [(e.field, e.before, e.after) for e in stored] == [
        ("ip-adresser", "10.0.0.1", "10.0.0.1, 10.0.0.2"),
        ("navn", "Fagsystem", "Fagsystem 2"),
    ]
    assert {e.pk for e in entries} == {e.pk for e in stored}
    assert {(e.event, e.object_name, e.reason, e.actor_rid) for e in stored} == {
        ("Redigeret", "Fagsystem", "Ny server", "1001")
    }


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("x", "x", id="same-text"),
        pytest.param(None, "", id="none-is-blank"),
        pytest.param({"a", "b"}, {"b", "a"}, id="equal-sets"),
        pytest.param(["a"], ("a",), id="list-and-tuple"),
        pytest.param(3, "3", id="number-and-its-text"),
    ],
)
def test_action_record_changes_skips_fields_that_read_the_same(db, before, after):
    with transaction.atomic():
        entries = action_record_changes(
            actor=SYSTEM,
            organisation=None,
            subject=Subject.SYSTEM,
            event="Redigeret",
            object_id="1",
            changes={"felt": (before, after)},
        )
    assert entries == []
    assert not ActionLogEntry.objects.filter(object_id="1").exists()


# --- search_record ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_search_record_writes_one_row_without_a_surrounding_transaction(personas, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    bob = personas.bob
    entry = search_record(
        actor=actor_of(bob),
        organisation=bob.organisation,
        search_data="0101801234",
        register=Register.FRITAGELSESREGISTER,
        result_count=0,
    )
    stored = SearchLogEntry.objects.get(pk=entry.pk)
    assert (
        stored.occurred_at,
        stored.organisation_id,
        stored.actor,
        stored.actor_rid,
        stored.search_data,
        stored.register,
        stored.result_count,
    ) == (
        datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        bob.organisation_id,
        f"CVR:{bob.organisation.cvr}-RID:1002",
        "1002",
        "0101801234",
        "Fritagelsesregister",
        0,
    )


def test_the_log_is_written_in_danish_whatever_language_the_person_uses(db):
    # Services pass their log texts lazily; a person who chose English still writes Danish.
    with translation.override("en"), transaction.atomic():
        entry = action_record(
            actor=SYSTEM,
            organisation=None,
            subject=Subject.SYSTEM,
            event=gettext_lazy("Oprettet"),
            field=gettext_lazy("Synlighed"),
            before=[gettext_lazy("Borger"), gettext_lazy("Virksomhed")],
            after=True,
        )
    entry.refresh_from_db()
    assert (entry.event, entry.field, entry.before, entry.after) == (
        "Oprettet",
        "Synlighed",
        "Borger, Virksomhed",
        "Ja",
    )
    with translation.override("en"):
        assert str(gettext_lazy("Oprettet")) != "Oprettet"  # the English catalogue is active
