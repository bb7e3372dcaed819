"""kill -9 of a delivery worker in the middle of deliveries (issue 10 fault suite).

A real `manage.py db_worker` delivers N queued messages by REST PUSH to a slowish local HTTPS
receiver; it is SIGKILLed mid-way, a new worker is started, and every message arrives.

The guarantee (adgang/messaging/delivery.py): delivery is at-least-once across a crash.
A delivery is claimed IN_FLIGHT with a lease before its HTTP call and recorded DELIVERED,
guarded by that lease, after the receiver's 2xx. A worker killed between the two leaves the
delivery IN_FLIGHT; when the lease (delivery.LEASE, 5 minutes) runs out, the next run makes
it PENDING again and POSTs it once more. So, counted at the receiver:
- every message arrives (distinct messageUUIDs == N): nothing lost;
- a message may arrive twice only if it was IN_FLIGHT at the kill (at most PARALLEL calls a
  worker has in flight), and at most twice; receivers dedupe by messageUUID (the filename
  of the multipart `file` part, NGDP-API.md);
- the platform records each delivery DELIVERED exactly once: one attempt, one "Sendt til
  modtagersystem" event per message.

PostgreSQL only: the worker is a second process writing the test database.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from adgang.messaging.delivery import PARALLEL
from adgang.messaging.events import EventTag
from adgang.messaging.models import Delivery, DeliveryState, MessageEvent
from adgang.messaging.tasks import deliveries_task
from tests.core.processes import wait_until
from tests.faults.worker_processes import kill_9, worker_start
from tests.support.messaging_delivery import (
    SLOW,
    Receiver,
    message_to,
    pull_sender,
    push_receiver,
)

MESSAGES = 160

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a real worker process beside the test needs PostgreSQL (SQLite has one writer)",
    ),
]


@pytest.fixture
def receiver(tmp_path):
    with Receiver(tmp_path / "tls") as running:
        running.state.mode = SLOW
        running.state.slow_seconds = 0.1
        yield running


def delivered() -> int:
    return Delivery.objects.filter(state=DeliveryState.DELIVERED).count()


def test_a_worker_killed_mid_delivery_loses_nothing_and_duplicates_only_its_calls_in_flight(
    personas, receiver, started, tmp_path
):
    system = push_receiver(personas.maja, receiver.url())
    sender = pull_sender(personas)
    sent = {str(message_to(sender, system)[0].message_uuid) for _ in range(MESSAGES)}
    ca = {"ADGANG_OUTBOUND_CA_FILE": receiver.ca_file}

    first = worker_start(started, tmp_path, "worker-1", **ca)
    wait_until(
        lambda: len(receiver.state.uuids()) >= MESSAGES // 3,
        timeout=60,
        interval=0.01,
        message=f"first deliveries: {(tmp_path / 'worker-1.log').read_text()}",
    )
    kill_9(first)
    in_flight = set(
        Delivery.objects.filter(state=DeliveryState.IN_FLIGHT).values_list(
            "message__message_uuid", flat=True
        )
    )
    in_flight = {str(u) for u in in_flight}
    assert 0 < len(in_flight) <= PARALLEL, "the kill did not land in the middle of a batch"
    assert delivered() < MESSAGES, "the worker was killed too late to prove anything"

    # Five minutes pass: the dead worker's leases run out (moved in the database, not waited).
    Delivery.objects.filter(state=DeliveryState.IN_FLIGHT).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    worker_start(started, tmp_path, "worker-2", **ca)
    deliveries_task.enqueue()  # as the scheduler does every 15 s
    wait_until(
        lambda: delivered() == MESSAGES,
        timeout=60,
        interval=0.2,
        message=f"{delivered()} of {MESSAGES}: {(tmp_path / 'worker-2.log').read_text()}",
    )

    stored = Counter(receiver.state.uuids())
    assert set(stored) == sent  # nothing lost
    duplicates = {u for u, n in stored.items() if n > 1}
    assert duplicates <= in_flight
    assert max(stored.values()) <= 2
    assert set(Delivery.objects.values_list("state", "attempts")) == {(DeliveryState.DELIVERED, 1)}
    events = MessageEvent.objects.filter(event=EventTag.SENT_TO_RECIPIENT_SYSTEM)
    assert events.count() == MESSAGES
    assert events.values("message_id").distinct().count() == MESSAGES
