"""Two people confirm the recall of the same message at the same moment (SPEC §10): exactly
one recall happens — one "Tilbagekaldt" event, one action-log entry — and the other person
is told that the message is already recalled.

Each confirm runs in its own thread and database connection; both pass the rule's check
before either writes (a barrier right after `recall_check`), so the conditional UPDATE alone
decides. Needs concurrent connections with row locks: PostgreSQL.
"""

import threading
from unittest import mock

import pytest
from django.db import connection

from adgang.messaging import recall as core_recall
from adgang.messaging.events import EventTag
from adgang.messaging.models import MessageEvent, MessageState
from tests.recall.conftest import VALUE_DATE, recall_writes, submitted

ROUNDS = 3
URL = "/tilbagekald/"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent connections with row locks (PostgreSQL); SQLite serialises "
        "every write transaction (BEGIN IMMEDIATE) anyway",
    ),
]


def found_token(client, message) -> str:
    response = client.post(URL, {"message_id": str(message.pk)})
    assert response.status_code == 302, response.content[:1000]
    return response["Location"].split("/")[2]


def confirm_together(clients_and_tokens) -> list:
    """POST each confirm in its own thread; both wait after the rule's check until the other
    has checked too. Returns the responses (or the exceptions)."""
    checked = threading.Barrier(len(clients_and_tokens))
    original = core_recall.recall_check

    def check_then_wait(**kwargs):
        message = original(**kwargs)
        checked.wait(timeout=10)
        return message

    outcomes: list = [None] * len(clients_and_tokens)

    def worker(index, client, token):
        try:
            outcomes[index] = client.post(f"{URL}{token}/bekraeft/")
        except Exception as error:  # the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    with mock.patch.object(core_recall, "recall_check", check_then_wait):
        threads = [
            threading.Thread(target=worker, args=(i, client, token))
            for i, (client, token) in enumerate(clients_and_tokens)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
            assert not thread.is_alive(), "a confirm hung (deadlock?)"
    return outcomes


def test_two_simultaneous_confirms_recall_exactly_once(client_as, personas):
    alice, morten = client_as("alice"), client_as("morten")
    for round_ in range(ROUNDS):
        message = submitted(personas.alice, value_date=VALUE_DATE, label=f"Runde {round_}")
        tokens = [found_token(alice, message), found_token(morten, message)]
        before = recall_writes()

        outcomes = confirm_together([(alice, tokens[0]), (morten, tokens[1])])

        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert errors == [], f"round {round_}: {errors!r}"
        won = [response["Location"] == URL for response in outcomes]
        assert sorted(won) == [False, True], f"round {round_}: {outcomes!r}"
        message.refresh_from_db()
        assert message.state == MessageState.RECALLED
        events = MessageEvent.objects.filter(message_id=message.pk, event=EventTag.RECALLED)
        assert events.count() == 1
        assert recall_writes() == (before[0] + 1, before[1] + 1)
        loser = won.index(False)
        assert outcomes[loser]["Location"] == f"{URL}{tokens[loser]}/"
        page = (alice, morten)[loser].get(outcomes[loser]["Location"]).content.decode()
        assert "Meddelelsen blev ikke tilbagekaldt." in page
        assert "Meddelelsen er allerede tilbagekaldt." in page
