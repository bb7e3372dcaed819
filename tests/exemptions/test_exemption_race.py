"""Two caseworkers exempt (or lift) the same citizen at the same moment (SPEC §6): the unique
constraint `exemptions_one_in_force` and the row lock decide; the loser gets the Danish
message, and exactly one exemption and one set of log entries exist."""

import threading

import pytest
from django.db import connection, connections

from adgang.audit.models import ActionLogEntry
from adgang.exemptions.models import Exemption
from adgang.exemptions.services import ExemptionError, exemption_lift
from tests.exemptions.helpers import actor_of, exempt_citizen

WORKERS = 4


def race(work) -> list:
    barrier = threading.Barrier(WORKERS)
    results = []

    def run():
        try:
            barrier.wait()
            try:
                results.append(work())
            except ExemptionError as error:
                results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def concurrent():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL (SQLite serialises every writer)")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_exemptions_store_one(personas, concurrent):
    results = race(lambda: exempt_citizen(personas.bob))
    made = [r for r in results if isinstance(r, Exemption)]
    refused = [r for r in results if isinstance(r, ExemptionError)]
    assert len(made) == 1 and len(refused) == WORKERS - 1
    assert all("allerede fritaget" in error.message for error in refused)
    assert Exemption.objects.count() == 1
    assert ActionLogEntry.objects.filter(event="Fritaget", field="Fritaget").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_lifts_lift_once(personas, concurrent):
    exemption = exempt_citizen(personas.bob)
    results = race(
        lambda: exemption_lift(
            actor=actor_of(personas.bob),
            organisation=personas.bob.organisation,
            exemption=exemption,
            by_proxy=False,
        )
    )
    assert sum(isinstance(r, Exemption) for r in results) == 1
    assert ActionLogEntry.objects.filter(event="Fritagelse ophævet").count() == 1
