"""Recording a batch of REST PUSH attempts (issue 10; SPEC §3, §5): the outcomes of a batch
are written with a fixed number of statements whatever its size — one lock of the rows still
under this worker's lease, one UPDATE per kind of outcome, one INSERT of all the events — and
the events are exactly those `recording.event_record` writes one by one."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from adgang.messaging import delivery as delivery_code
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    DeliveryState,
    Message,
    MessageEvent,
    MessageState,
)
from adgang.messaging.recording import event_record
from tests.support.messaging_delivery import (
    FAIL_500,
    message_to,
    pull_sender,
    push_receiver,
    running_receiver,
)

pytestmark = pytest.mark.django_db

BATCH = 8
SKIPPED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


@pytest.fixture
def batch(personas, receiver):
    system = push_receiver(personas.maja, receiver.url())
    sender = pull_sender(personas)
    return [message_to(sender, system) for _ in range(BATCH)]


def recording_statements(monkeypatch) -> list[list[str]]:
    """The statements of each `_record_batch` call during the test."""
    calls: list[list[str]] = []
    record = delivery_code._record_batch

    def counted(*args, **kwargs):
        with CaptureQueriesContext(connection) as captured:
            record(*args, **kwargs)
        calls.append([q["sql"] for q in captured if not q["sql"].upper().startswith(SKIPPED)])

    monkeypatch.setattr(delivery_code, "_record_batch", counted)
    return calls


def kinds(statements: list[str]) -> list[str]:
    return [sql.split()[0].upper() for sql in statements]


def test_a_delivered_batch_is_recorded_with_four_statements(batch, receiver, monkeypatch):
    calls = recording_statements(monkeypatch)

    assert deliveries_run() == BATCH

    assert [kinds(statements) for statements in calls] == [["SELECT", "UPDATE", "UPDATE", "INSERT"]]
    assert set(Delivery.objects.values_list("state", "attempts", "lease_until")) == {
        (DeliveryState.DELIVERED, 1, None)
    }
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.DELIVERED}
    assert MessageEvent.objects.filter(event=EventTag.SENT_TO_RECIPIENT_SYSTEM).count() == BATCH
    assert len(receiver.state.received) == BATCH


def test_a_failed_batch_is_recorded_with_three_statements(batch, receiver, monkeypatch):
    receiver.state.mode = FAIL_500
    calls = recording_statements(monkeypatch)

    assert deliveries_run() == BATCH

    assert [kinds(statements) for statements in calls] == [["SELECT", "UPDATE", "INSERT"]]
    assert set(Delivery.objects.values_list("state", "attempts", "last_error")) == {
        (DeliveryState.PENDING, 1, "Systemet svarede HTTP 500.")
    }
    failed = MessageEvent.objects.filter(event=EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED)
    assert failed.count() == BATCH


def test_a_delivery_taken_over_meanwhile_is_not_recorded(batch, receiver, monkeypatch):
    """The lease guard: a delivery whose lease was recovered by another worker while this
    one sent it keeps the other worker's state, and gets no event from this one."""
    (_message, taken), *_ = batch
    record = delivery_code._record_batch

    def lose_the_lease_then_record(*args, **kwargs):
        Delivery.objects.filter(pk=taken.pk).update(state=DeliveryState.PENDING, lease_until=None)
        record(*args, **kwargs)

    monkeypatch.setattr(delivery_code, "_record_batch", lose_the_lease_then_record)
    deliveries_run(limit=BATCH)

    taken.refresh_from_db()
    assert (taken.state, taken.attempts) == (DeliveryState.PENDING, 0)
    assert not MessageEvent.objects.filter(message_id=taken.message_id).exists()
    assert Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == BATCH - 1


@pytest.mark.parametrize(
    ("tag", "values"),
    [
        (EventTag.SENT_TO_RECIPIENT_SYSTEM, {"endpoint": "https://m.example.dk/modtag"}),
        (
            EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED,
            {"endpoint": "https://m.example.dk/modtag", "error_message": "Systemet svarede 500."},
        ),
        (EventTag.AVAILABLE_TO_RECIPIENT, {}),
    ],
)
def test_a_batch_event_has_the_fields_event_record_writes(batch, tag, values):
    message, delivery = batch[0]
    delivery = Delivery.objects.select_related("message").get(pk=delivery.pk)
    at = delivery.created_at

    built = delivery_code._event(
        tag, organisation_id=delivery.organisation_id, delivery=delivery, at=at, **values
    )
    built.save()
    recorded = event_record(
        tag=tag,
        organisation=delivery.organisation_id,
        message=message,
        at=at,
        recipient_system_id=delivery.system_id,
        **values,
    )

    built.refresh_from_db()
    recorded.refresh_from_db()
    assert model_to_dict(built, exclude=["id"]) == model_to_dict(recorded, exclude=["id"])
