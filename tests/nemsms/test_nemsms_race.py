"""Simultaneous requests (SPEC §7): a link pressed twice at once confirms once; a citizen signed
up twice at once gets one registration. PostgreSQL only (SQLite serialises every writer)."""

import threading

import pytest
from django.db import connection, connections

from adgang.audit.models import ActionLogEntry
from adgang.nemsms import services
from adgang.nemsms.models import NemSmsRegistration, SmsOutbox
from adgang.registers import demo as register_demo
from tests.nemsms.conftest import outbox_token

CPR = register_demo.CITIZEN.cpr
N = 4


def _together(work) -> list:
    barrier = threading.Barrier(N)
    results = []

    def run(index):
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as error:  # the refusal is the result
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL")


def _signup(personas, bob_actor, phone="+4520304050"):
    return services.nemsms_signup(
        actor=bob_actor, organisation=personas.bob.organisation, id_type="CPR", number=CPR,
        name="Mette Hansen", phone=phone,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_link_pressed_twice_at_once_confirms_once(postgresql, personas, bob_actor):
    _signup(personas, bob_actor)
    token = outbox_token()

    results = _together(lambda _: services.nemsms_confirm(token=token))

    assert sorted(type(r).__name__ for r in results) == ["ConfirmationProblem"] * (N - 1) + [
        "NemSmsChange"
    ]
    assert {r.code for r in results if isinstance(r, services.ConfirmationProblem)} == {"used"}
    assert ActionLogEntry.objects.filter(event="Tilmelding bekræftet").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_make_one_registration(postgresql, personas, bob_actor):
    results = _together(lambda i: _signup(personas, bob_actor, phone=f"+45203040{50 + i}"))

    refusals = [r for r in results if isinstance(r, services.NemSmsError)]
    assert len(refusals) == N - 1
    assert {r.code for r in refusals} == {"already_registered"}
    assert NemSmsRegistration.objects.count() == 1
    assert SmsOutbox.objects.count() == 1
    assert ActionLogEntry.objects.filter(event="Tilmeldt").count() == 1
