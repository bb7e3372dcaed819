"""The message log's search (SPEC §5): every filter, the period, and tenant isolation."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import Message, MessageKind, MessageState, Route
from adgang.messaging.recording import event_record
from adgang.messaging.selectors import EventFilter, events_search
from tests.support.messaging_core import CITIZEN_CPR, COMPANY_B_CVR, sender_system

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def message_of(membership, system, *, recipient=CITIZEN_CPR, kind=MessageKind.LETTER):
    return Message.objects.create(
        message_uuid=uuid.uuid4(),
        transmission_id=uuid.uuid4(),
        memo_version="1.2",
        sender_organisation=membership.organisation,
        sender_system=system,
        sender_id=membership.organisation.cvr,
        recipient_id_type="CPR" if len(recipient) == 10 else "CVR",
        recipient_id=recipient,
        message_type="DIGITALPOST",
        kind=kind,
        title="Brev",
        route=Route.MAILBOX,
        state=MessageState.DELIVERED,
    )


@pytest.fixture
def log(personas):
    """Kommune A: a letter to a citizen (validated, then available) and an obligatory
    message to Virksomhed B; Kommune M: one letter of its own."""
    system_a, _ = sender_system(personas.alice)
    system_m, _ = sender_system(personas.maja)
    letter = message_of(personas.alice, system_a)
    mandatory = message_of(
        personas.alice, system_a, recipient=COMPANY_B_CVR, kind=MessageKind.MANDATORY
    )
    other = message_of(personas.maja, system_m)
    org_a, org_m = personas.alice.organisation, personas.maja.organisation
    rows = {
        "validated": event_record(
            tag=EventTag.VALIDATED, organisation=org_a, message=letter, at=T0
        ),
        "available": event_record(
            tag=EventTag.AVAILABLE_TO_RECIPIENT,
            organisation=org_a,
            message=letter,
            at=T0 + timedelta(minutes=1),
        ),
        "mandatory": event_record(
            tag=EventTag.VALIDATED,
            organisation=org_a,
            message=mandatory,
            at=T0 + timedelta(days=1),
        ),
        "other": event_record(tag=EventTag.VALIDATED, organisation=org_m, message=other, at=T0),
    }
    return {"a": org_a, "m": org_m, "system_a": system_a, "letter": letter, **rows}


def search(org, **fields):
    period = {"start": T0 - timedelta(days=1), "end": T0 + timedelta(days=30)}
    return list(events_search(org, EventFilter(**{**period, **fields})))


def test_search_without_filters_returns_the_organisations_events_newest_first(log):
    assert search(log["a"]) == [log["mandatory"], log["available"], log["validated"]]


def test_search_never_returns_another_organisations_events(log):
    assert log["other"] not in search(log["a"])
    assert search(log["m"]) == [log["other"]]


def test_search_by_period_excludes_events_outside_it(log):
    rows = events_search(log["a"], EventFilter(start=T0, end=T0 + timedelta(hours=1)))
    assert list(rows) == [log["available"], log["validated"]]


def test_search_by_message_id_or_message_uuid(log):
    letter = log["letter"]
    by_id = search(log["a"], message_id=letter.id)
    by_uuid = search(log["a"], message_id=letter.message_uuid)
    assert by_id == by_uuid == [log["available"], log["validated"]]


def test_search_by_system_id(log):
    assert len(search(log["a"], system_id=log["system_a"].id)) == 3
    assert search(log["a"], system_id=uuid.uuid4()) == []


@pytest.mark.parametrize(
    ("party", "expected"),
    [(CITIZEN_CPR, ["available", "validated"]), (COMPANY_B_CVR, ["mandatory"])],
)
def test_search_by_cpr_or_cvr(log, party, expected):
    assert search(log["a"], party_id=party) == [log[name] for name in expected]


def test_search_by_type(log):
    assert search(log["a"], kind=MessageKind.MANDATORY) == [log["mandatory"]]


def test_search_by_direction(log):
    assert len(search(log["a"], direction=Direction.OUTGOING)) == 3
    assert search(log["a"], direction=Direction.INCOMING) == []


def test_search_by_event(log):
    assert search(log["a"], event=EventTag.AVAILABLE_TO_RECIPIENT) == [log["available"]]


def test_events_copy_what_the_log_shows_from_their_message(log):
    event = log["mandatory"]
    assert (event.kind, event.recipient_id, event.recipient_type, event.direction) == (
        MessageKind.MANDATORY,
        COMPANY_B_CVR,
        "CVR",
        Direction.OUTGOING,
    )
    assert event.sender_system_id == log["system_a"].id
