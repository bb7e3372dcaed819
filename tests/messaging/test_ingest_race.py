"""The same messageUUID submitted twice at the same moment (SPEC §13): the database's unique
constraint decides, and the loser gets the same refusal as a later duplicate."""

import threading
import uuid

import pytest
from django.db import connection, connections

from adgang.messaging.errors import Refusal
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import Message, Receipt
from tests.support.messaging_core import memo_xml, sender_system


@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicates_store_one_message(personas):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL (SQLite serialises every writer)")
    sender, _ = sender_system(personas.alice)
    content = memo_xml(message_uuid=str(uuid.uuid4()))
    barrier = threading.Barrier(4)
    results = []

    def submit():
        try:
            barrier.wait()
            results.append(message_submit(system=sender, content=content, query_uuid=None))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(type(result).__name__ for result in results) == [
        "Receipt",
        "Refusal",
        "Refusal",
        "Refusal",
    ]
    assert {r.code for r in results if isinstance(r, Refusal)} == {"message.uuid.already.exists"}
    assert Message.objects.count() == 1
    assert Receipt.objects.count() == 1
