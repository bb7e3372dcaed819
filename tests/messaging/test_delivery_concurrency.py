"""Two delivery workers in separate processes over the same deliveries (SPEC §13 "Idempotent:
no message delivered twice to the same system"): every message arrives exactly once."""

import os
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from django.db import connection

from adgang.core.clock import now
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    Message,
    MessageContent,
    MessageState,
    Route,
)
from tests.support.messaging_core import memo_xml
from tests.support.messaging_delivery import pull_sender, push_receiver, running_receiver

MESSAGES = int(os.environ.get("DELIVERY_TEST_MESSAGES", "5000"))
WORKERS = 2
WORKER_SCRIPT = "tests/support/messaging_delivery_worker.py"


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


def messages_to(sender, system, count: int) -> list[str]:
    """`count` queued messages with their PENDING delivery, stored in bulk."""
    at = now()
    organisation = system.organisation
    messages, contents, deliveries = [], [], []
    for _ in range(count):
        message_uuid = uuid.uuid4()
        message = Message(
            message_uuid=message_uuid,
            transmission_id=uuid.uuid4(),
            memo_version="1.2",
            sender_organisation=sender.organisation,
            sender_system=sender,
            sender_id=sender.organisation.cvr,
            recipient_id_type="CVR",
            recipient_id=organisation.cvr,
            recipient_organisation=organisation,
            message_type="DIGITALPOST",
            kind="BREV",
            title="Samtidighed",
            route=Route.SYSTEM,
            state=MessageState.QUEUED,
            created_at=at,
        )
        xml = memo_xml(
            message_uuid=str(message_uuid), recipient_id=organisation.cvr, recipient_type="CVR"
        )
        messages.append(message)
        contents.append(MessageContent(message=message, xml=xml))
        deliveries.append(
            Delivery(
                message=message,
                system=system,
                organisation=organisation,
                phase=DeliveryPhase.RECEIVER,
                state=DeliveryState.PENDING,
                next_attempt_at=at,
                created_at=at,
            )
        )
    Message.objects.bulk_create(messages, batch_size=1000)
    MessageContent.objects.bulk_create(contents, batch_size=1000)
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    return [str(message.message_uuid) for message in messages]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_deliver_every_message_exactly_once(personas, receiver):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent worker processes need PostgreSQL (SQLite has one writer).")
    system = push_receiver(personas.maja, receiver.url())
    expected = messages_to(pull_sender(personas), system, MESSAGES)
    environment = os.environ | {
        "DATABASE_URL": database_url(),
        "ADGANG_OUTBOUND_CA_FILE": receiver.ca_file,
        "ADGANG_OUTBOUND_ALLOW_PRIVATE": "true",
    }

    started = time.monotonic()
    workers = [
        subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [sys.executable, WORKER_SCRIPT], env=environment, stdout=subprocess.PIPE, text=True
        )
        for _ in range(WORKERS)
    ]
    counts = [int(worker.communicate(timeout=120)[0].strip()) for worker in workers]
    elapsed = time.monotonic() - started

    arrived = Counter(receiver.state.uuids())
    assert sorted(arrived) == sorted(expected)
    assert set(arrived.values()) == {1}
    assert sum(counts) == MESSAGES
    assert all(counts), f"one worker did all the work: {counts}"
    assert Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == MESSAGES
    print(f"{MESSAGES} deliveries by {WORKERS} processes in {elapsed:.1f} s: {counts}")
