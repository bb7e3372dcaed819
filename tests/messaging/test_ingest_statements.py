"""What one accepted message costs the database (issue 10, docs/performance.md "ingest"):
the route is decided before the message is written, so its INSERT carries route and state and
no UPDATE follows; the message's events are one INSERT; authentication writes `last_used_at`
only when the loaded row says it is older than the resolution. Counted statements, never
timings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adgang.exemptions.models import Exemption
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import (
    Delivery,
    MailboxItem,
    Message,
    MessageEvent,
    MessageState,
    Receipt,
    ReceiptKind,
    ReceiptStatus,
    Route,
)
from adgang.systems.auth import LAST_USED_RESOLUTION, authenticate_system
from adgang.systems.models import MailSystem
from tests.support.messaging_api import api_client, memo_post
from tests.support.messaging_core import (
    CITIZEN_CPR,
    CLIENT_IP,
    KOMMUNE_M_CVR,
    Protocol,
    memo_xml,
    receiver_system,
    sender_system,
)
from tests.support.messaging_ingest import T0

# SELECT system (with its organisation), SELECT exemption, BEGIN (a SAVEPOINT inside a test's
# transaction), INSERT message, content, receipt, mailbox item, events, COMMIT (RELEASE).
STATEMENTS_PER_MESSAGE = 9
TABLES_WRITTEN_ONCE = (
    "messaging_message",
    "messaging_messagecontent",
    "messaging_receipt",
    "messaging_mailboxitem",
    "messaging_messageevent",
)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    return sender_system(personas.alice)


def posted(auth, **memo) -> list[str]:
    """The SQL of one accepted POST /apis/v1/memos/."""
    client = api_client()
    with CaptureQueriesContext(connection) as queries:
        response = memo_post(client, auth, memo_xml(**memo))
    assert response.status_code == 201, response.content
    return [query["sql"] for query in queries.captured_queries]


def inserts_into(statements: list[str], table: str) -> int:
    return sum(1 for sql in statements if sql.startswith(f'INSERT INTO "{table}"'))


def updates(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.startswith("UPDATE")]


def test_a_single_message_costs_a_fixed_number_of_statements(sender):
    _system, auth = sender
    posted(auth)  # the first call of the minute records last_used_at

    statements = posted(auth)

    assert len(statements) == STATEMENTS_PER_MESSAGE, statements
    assert updates(statements) == []
    for table in TABLES_WRITTEN_ONCE:
        assert inserts_into(statements, table) == 1, (table, statements)


def test_the_route_is_in_the_insert_and_the_events_keep_their_order(sender):
    system, auth = sender
    posted(auth)

    statements = posted(auth, legal_notification=True)

    assert updates(statements) == []
    message = Message.objects.order_by("created_at", "id").filter(legal_notification=True).get()
    assert (message.route, message.state, message.delivered_at) == (
        Route.MAILBOX,
        MessageState.DELIVERED,
        T0,
    )
    assert MailboxItem.objects.filter(message=message, placed_at=T0).exists()
    events = list(MessageEvent.objects.filter(message=message).order_by("id"))
    assert [(e.event, e.direction, e.occurred_at) for e in events] == [
        (EventTag.VALIDATED, Direction.OUTGOING, T0),
        (EventTag.TECHNICAL_RECEIPT_SENT, Direction.OUTGOING, T0),
        (EventTag.AVAILABLE_TO_RECIPIENT, Direction.OUTGOING, T0),
        (EventTag.LEGALLY_NOTIFIED, Direction.OUTGOING, T0),
    ]
    assert [e.receipt_status for e in events] == ["", ReceiptStatus.RECEIVED, "", ""]
    assert {(e.organisation_id, e.sender_system_id, e.message_uuid) for e in events} == {
        (system.organisation_id, system.pk, str(message.message_uuid))
    }


def test_a_message_for_a_receiver_system_is_routed_without_an_update(personas, sender):
    _system, auth = sender
    primary, _ = receiver_system(personas.maja, Protocol.REST_PULL)
    posted(auth)

    statements = posted(auth, recipient_type="CVR", recipient_id=KOMMUNE_M_CVR)

    assert updates(statements) == []
    message = Message.objects.get(recipient_id=KOMMUNE_M_CVR)
    assert (message.route, message.state, message.delivered_at) == (
        Route.SYSTEM,
        MessageState.DELIVERED,
        T0,
    )
    assert Delivery.objects.get(message=message).system == primary


def test_an_exempt_recipient_is_refused_without_an_update(personas, sender):
    _system, auth = sender
    posted(auth)
    Exemption.objects.create(
        id_type="CPR",
        number=CITIZEN_CPR,
        effective_from=T0.date(),
        organisation=personas.alice.organisation,
    )

    statements = posted(auth, label="Fritaget")

    assert updates(statements) == []
    message = Message.objects.get(title="Fritaget")
    assert (message.route, message.state, message.delivered_at) == (
        Route.NONE,
        MessageState.REJECTED,
        None,
    )
    business = Receipt.objects.get(message=message, kind=ReceiptKind.BUSINESS)
    assert business.receipt_status == ReceiptStatus.NOT_ALLOWED
    assert list(
        MessageEvent.objects.filter(message=message).order_by("id").values_list("event", flat=True)
    ) == [EventTag.VALIDATED, EventTag.TECHNICAL_RECEIPT_SENT, EventTag.REJECTED]


def test_last_used_is_not_written_again_within_the_resolution(sender, time_machine):
    system, auth = sender
    assert authenticate_system(auth, CLIENT_IP, T0)

    with CaptureQueriesContext(connection) as queries:
        assert authenticate_system(auth, CLIENT_IP, T0 + LAST_USED_RESOLUTION)
    assert len(queries.captured_queries) == 1  # the system's row, nothing written

    later = T0 + LAST_USED_RESOLUTION + timedelta(seconds=1)
    with CaptureQueriesContext(connection) as queries:
        assert authenticate_system(auth, CLIENT_IP, later)
    assert len(updates([q["sql"] for q in queries.captured_queries])) == 1
    assert MailSystem.objects.get(pk=system.pk).last_used_at == later
