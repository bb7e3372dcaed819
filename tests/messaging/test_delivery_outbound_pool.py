"""Keep-alive in the outbound client (issue 10; SPEC §3, §14 "no SSRF"): calls to one endpoint
share a connection, but only to the address checked on that very call; a receiver that closes
an idle connection costs a new connection, never a delivery; and a POST the receiver may have
received is never sent a second time by the client.

Connections are counted where they are accepted, at the test receiver (each accepted
connection is one TLS handshake).
"""

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from adgang.messaging import outbound
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.models import DeliveryState
from tests.support.messaging_delivery import (
    _Handler,
    message_to,
    pull_sender,
    push_receiver,
    running_receiver,
)

pytestmark = pytest.mark.django_db

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture(autouse=True)
def fresh_pool():
    outbound.transports_close()
    yield
    outbound.transports_close()


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


def notify(url: str, number: int = 0) -> outbound.Outcome:
    return outbound.post(url, json={"messageId": str(number)})


def numbers(receiver) -> list[str]:
    return [n["messageId"] for n in receiver.state.notifications]


def until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the receiver did not get there in time"
        time.sleep(0.01)


class _ClosesAfterAnswering(_Handler):
    """Answers, then closes the connection without saying so (no `Connection: close`), as a
    server whose idle timeout is shorter than ours does."""

    def do_POST(self) -> None:
        super().do_POST()
        self.close_connection = True

    def finish(self) -> None:
        super().finish()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.connection.close()
        with self.server.state.lock:
            self.server.state.closed = getattr(self.server.state, "closed", 0) + 1


class _DropsTheSecondRequest(_Handler):
    """Reads and stores every request, but drops the connection instead of answering the
    second one on a connection: the client cannot know whether it was stored."""

    def handle(self) -> None:
        self.requests_here = 0
        super().handle()

    def do_POST(self) -> None:
        self.requests_here += 1
        if self.requests_here < 2:
            super().do_POST()
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._record(self.server.state, body)
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


def test_calls_to_one_endpoint_share_one_connection(receiver):
    outcomes = [notify(receiver.url(), n) for n in range(5)]

    assert all(outcome.ok for outcome in outcomes)
    assert numbers(receiver) == ["0", "1", "2", "3", "4"]
    assert receiver.state.connections == 1


def test_parallel_calls_are_bounded_and_each_arrives_once(receiver):
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda n: notify(receiver.url(), n), range(64)))

    assert all(outcome.ok for outcome in outcomes)
    assert sorted(numbers(receiver), key=int) == [str(n) for n in range(64)]
    assert receiver.state.connections <= 16


def test_another_host_name_for_the_same_address_gets_its_own_connection(receiver):
    """SNI and the certificate check belong to the host name: no sharing across names."""
    notify(receiver.url(host="127.0.0.1"))
    notify(receiver.url(host="localhost"))
    notify(receiver.url(host="localhost"))

    assert receiver.state.connections == 2
    assert len(numbers(receiver)) == 3


def test_a_changed_dns_answer_never_reuses_the_connection_to_the_old_address(receiver, monkeypatch):
    answer = {"address": "127.0.0.1"}

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "localhost":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer["address"], port))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert notify(receiver.url(host="localhost"), 1).ok

    answer["address"] = "127.0.0.2"  # nothing listens there
    moved = notify(receiver.url(host="localhost"), 2)

    assert not moved.ok
    assert moved.error.startswith("Forbindelsen til systemet fejlede")
    assert numbers(receiver) == ["1"]  # not sent over the connection to 127.0.0.1
    assert receiver.state.connections == 1


def test_an_internal_address_is_refused_even_with_a_pooled_connection_to_it(receiver, settings):
    assert notify(receiver.url(), 1).ok

    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False
    refused = notify(receiver.url(), 2)

    assert (refused.ok, refused.error) == (
        False,
        "Adressen 127.0.0.1 peger på en intern adresse (127.0.0.1); der er ikke forbundet.",
    )
    assert numbers(receiver) == ["1"]
    assert receiver.state.connections == 1


def test_a_connection_the_receiver_closed_while_idle_is_replaced_not_a_failure(receiver):
    receiver._server.RequestHandlerClass = _ClosesAfterAnswering
    for number in range(3):
        assert notify(receiver.url(), number).ok
        until(lambda n=number: getattr(receiver.state, "closed", 0) == n + 1)

    assert numbers(receiver) == ["0", "1", "2"]
    assert receiver.state.connections == 3


def test_deliveries_survive_a_receiver_that_closes_idle_connections(personas, receiver):
    receiver._server.RequestHandlerClass = _ClosesAfterAnswering
    system = push_receiver(personas.maja, receiver.url())
    sender = pull_sender(personas)

    first, first_delivery = message_to(sender, system)
    assert deliveries_run() == 1
    until(lambda: getattr(receiver.state, "closed", 0) == 1)
    second, second_delivery = message_to(sender, system)
    assert deliveries_run() == 1

    for delivery in (first_delivery, second_delivery):
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 1)
    assert receiver.state.uuids() == [str(first.message_uuid), str(second.message_uuid)]


def test_a_request_the_receiver_may_have_stored_is_not_sent_again(receiver):
    """The connection breaks after the request was written: a failed call (the delivery
    policy decides when to try again), not a silent second POST."""
    receiver._server.RequestHandlerClass = _DropsTheSecondRequest
    assert notify(receiver.url(), 1).ok

    dropped = notify(receiver.url(), 2)

    assert not dropped.ok
    assert dropped.error.startswith("Forbindelsen til systemet fejlede")
    assert numbers(receiver) == ["1", "2"]  # the second arrived once, and only once
    assert receiver.state.connections == 1


def test_idle_connections_expire(receiver, monkeypatch):
    monkeypatch.setattr(outbound, "KEEPALIVE_SECONDS", 0.0)
    for number in range(3):
        assert notify(receiver.url(), number).ok
        time.sleep(0.01)

    assert receiver.state.connections == 3


def test_the_process_keeps_at_most_max_transports(receiver, monkeypatch):
    monkeypatch.setattr(outbound, "MAX_TRANSPORTS", 1)
    notify(receiver.url(host="127.0.0.1"))
    notify(receiver.url(host="localhost"))

    assert len(outbound._transports) == 1


def test_the_pool_is_safe_when_one_thread_retires_a_transport_another_uses(receiver, monkeypatch):
    """A transport pushed out of the LRU while a call uses it is closed by that call's end,
    not under it."""
    monkeypatch.setattr(outbound, "MAX_TRANSPORTS", 1)
    receiver.state.mode = "slow"
    receiver.state.slow_seconds = 0.3
    slow = []
    thread = threading.Thread(target=lambda: slow.append(notify(receiver.url(), 1)))
    thread.start()
    until(lambda: receiver.state.connections == 1)
    other = notify(receiver.url(host="localhost"), 2)
    thread.join()

    assert other.ok and slow[0].ok
    assert sorted(numbers(receiver)) == ["1", "2"]
