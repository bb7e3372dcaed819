"""Recall — Tilbagekald (SPEC §10, §13): only the organisation's own message held for a value
date still ahead; every other case is refused with its own reason; two recalls at once, one
wins."""

import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from adgang.audit.models import ActionLogEntry, Subject
from adgang.messaging.events import EventTag
from adgang.messaging.models import Message, MessageEvent, MessageState
from adgang.messaging.recall import (
    ALREADY_RECALLED,
    ALREADY_SENT,
    NO_VALUE_DATE,
    NOT_FOUND,
    OTHER_ORGANISATION,
    RecallRefused,
    message_recall,
    recall_check,
)
from adgang.messaging.release import messages_release_due
from tests.support.messaging_delivery import message_for, pull_sender
from tests.support.systems_core import actor_of

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
VALUE_DATE = date(2026, 3, 10)
DELIVER_AFTER = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # 10 March 00:00 in Copenhagen


def held_message(personas, **changes) -> Message:
    values = {
        "state": MessageState.HELD,
        "value_date": VALUE_DATE,
        "deliver_after": DELIVER_AFTER,
    } | changes
    return message_for(
        sender_system=pull_sender(personas),
        recipient_organisation=None,
        recipient_id="0101011234",
        recipient_type="CPR",
        **values,
    )


def recall(personas, message_id, *, who="alice", at=T0):
    membership = getattr(personas, who)
    return message_recall(
        organisation=membership.organisation,
        message_id=message_id,
        actor=actor_of(membership),
        now=at,
    )


def counts():
    return (
        MessageEvent.objects.filter(event=EventTag.RECALLED).count(),
        ActionLogEntry.objects.filter(subject=Subject.TILBAGEKALD).count(),
    )


def test_a_held_message_is_recalled_with_an_event_and_an_action_log_entry(personas):
    message = held_message(personas)

    recalled = recall(personas, message.pk)

    assert (recalled.state, recalled.recalled_at) == (MessageState.RECALLED, T0)
    [event] = MessageEvent.objects.filter(message=message)
    assert (event.event, event.organisation, event.direction, event.occurred_at) == (
        EventTag.RECALLED,
        personas.alice.organisation,
        "OUT",
        T0,
    )
    assert event.get_event_display() == "Tilbagekaldt"
    [entry] = ActionLogEntry.objects.filter(subject=Subject.TILBAGEKALD)
    assert (entry.organisation, entry.object_id, entry.event) == (
        personas.alice.organisation,
        str(message.pk),
        "Tilbagekaldt",
    )
    assert (entry.before, entry.after) == ("Afventer valør", "Tilbagekaldt")


def assert_refused(personas, message_id, code, message_text, **kwargs):
    before = counts()
    with pytest.raises(RecallRefused) as refused:
        recall(personas, message_id, **kwargs)
    assert refused.value.code == code
    assert str(refused.value.message) == message_text
    assert counts() == before


@pytest.mark.parametrize("message_id", [uuid.UUID(int=5), "not-a-uuid", ""])
def test_an_unknown_id_is_refused(personas, message_id):
    assert_refused(
        personas,
        message_id,
        NOT_FOUND,
        "Der findes ingen meddelelse med dette ID.",
    )


def test_another_organisations_message_is_refused_with_its_own_reason(personas):
    message = held_message(personas)

    assert_refused(
        personas,
        message.pk,
        OTHER_ORGANISATION,
        "Meddelelsen er ikke sendt af din organisation og kan ikke tilbagekaldes.",
        who="maja",
    )
    message.refresh_from_db()
    assert (message.state, message.recalled_at) == (MessageState.HELD, None)


def test_another_organisations_message_is_refused_before_its_own_state_is_told(personas):
    # A recalled message of Kommune A: Kommune M learns only that it is not theirs.
    message = held_message(personas)
    recall(personas, message.pk)

    assert_refused(
        personas,
        message.pk,
        OTHER_ORGANISATION,
        "Meddelelsen er ikke sendt af din organisation og kan ikke tilbagekaldes.",
        who="maja",
    )


def test_the_check_before_the_confirm_gives_the_message_and_changes_nothing(personas):
    message = held_message(personas)
    before = counts()

    checked = recall_check(
        organisation=personas.alice.organisation, message_id=str(message.pk), now=T0
    )

    assert checked.pk == message.pk
    assert checked.sender_system.organisation == personas.alice.organisation
    message.refresh_from_db()
    assert message.state == MessageState.HELD
    assert counts() == before


@pytest.mark.parametrize(
    ("state", "changes", "at", "code"),
    [
        (MessageState.RECALLED, {}, T0, ALREADY_RECALLED),
        (MessageState.DELIVERED, {"value_date": None, "deliver_after": None}, T0, NO_VALUE_DATE),
        (MessageState.HELD, {}, DELIVER_AFTER, ALREADY_SENT),
        (MessageState.QUEUED, {}, T0, ALREADY_SENT),
    ],
)
def test_the_check_before_the_confirm_gives_each_reason(personas, state, changes, at, code):
    message = held_message(personas, state=state, **changes)

    with pytest.raises(RecallRefused) as refused:
        recall_check(organisation=personas.alice.organisation, message_id=message.pk, now=at)

    assert refused.value.code == code


def test_a_message_without_a_value_date_is_refused(personas):
    message = held_message(
        personas, state=MessageState.DELIVERED, value_date=None, deliver_after=None
    )

    assert_refused(
        personas,
        message.pk,
        NO_VALUE_DATE,
        "Meddelelsen har ingen valørdato og er sendt med det samme. Den kan ikke tilbagekaldes.",
    )


@pytest.mark.parametrize(
    ("state", "at"),
    [
        (MessageState.DELIVERED, T0),
        (MessageState.QUEUED, T0),
        (MessageState.FETCHED, T0),
        (MessageState.HELD, DELIVER_AFTER),  # its time has come; the release job is due
    ],
)
def test_a_delivered_or_due_message_is_refused(personas, state, at):
    message = held_message(personas, state=state)

    assert_refused(
        personas,
        message.pk,
        ALREADY_SENT,
        "Meddelelsens valørdato er nået, og den er sendt til modtageren. "
        "Den kan ikke tilbagekaldes.",
        at=at,
    )


def test_a_recalled_message_cannot_be_recalled_again(personas):
    message = held_message(personas)
    recall(personas, message.pk)

    assert_refused(personas, message.pk, ALREADY_RECALLED, "Meddelelsen er allerede tilbagekaldt.")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_recalls_exactly_one_succeeds(personas):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: a real race needs PostgreSQL's row locks.")
    message = held_message(personas)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker():
        try:
            barrier.wait()
            recall(personas, message.pk)
            outcomes.append("recalled")
        except RecallRefused as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(["recalled", ALREADY_RECALLED])
    assert counts() == (1, 1)


def test_recall_then_release_never_both(personas):
    message = held_message(personas)
    recall(personas, message.pk)

    assert messages_release_due(now=DELIVER_AFTER + timedelta(minutes=1)) == 0
    message.refresh_from_db()
    assert message.state == MessageState.RECALLED
