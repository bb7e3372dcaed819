"""The limit of 10 and "one access per holder" under two caseworkers at once (SPEC §8).

Two threads, each with its own database connection, start together (a barrier); the service
locks the giver's `ReadAccessGiver` row, so the second waits for the first and then sees its
access. Needs real concurrent connections with row locks: PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from adgang.readaccess.models import ReadAccess, ReadAccessGiver
from adgang.readaccess.services import ReadAccessRuleError
from tests.readaccess.conftest import COMPANY, T0, create, living_persons

ROUNDS = 4

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent connections with row locks (PostgreSQL); SQLite serialises "
        "every write transaction (BEGIN IMMEDIATE) anyway",
    ),
]


def run_together(*calls) -> list:
    start = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            start.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request hung (deadlock?)"
    return outcomes


def test_two_caseworkers_creating_the_tenth_and_eleventh_access_at_once(personas):
    persons = living_persons(9 + 2 * ROUNDS)
    for person in persons[:9]:
        create(personas, person)
    extra = persons[9:]
    for round_ in range(ROUNDS):
        a, b = extra[2 * round_], extra[2 * round_ + 1]
        outcomes = run_together(lambda a=a: create(personas, a), lambda b=b: create(personas, b))
        refused = [o for o in outcomes if isinstance(o, ReadAccessRuleError)]
        others = [o for o in outcomes if isinstance(o, Exception) and o not in refused]
        assert others == [], f"round {round_}: {others!r}"
        assert len(refused) == 1, f"round {round_}: {outcomes!r}"
        assert "10 aktive adgange" in refused[0].message
        assert ReadAccess.objects.filter(ended_at__isnull=True).count() == 10
        # Next round: free the place again.
        created = next(o for o in outcomes if isinstance(o, ReadAccess))
        ReadAccess.objects.filter(pk=created.pk).update(ended_at=created.created_at)


def test_the_first_access_of_a_new_giver_twice_at_once(personas):
    """Both create the giver's lock row at the same moment: one row, both accesses."""
    persons = living_persons(2)
    outcomes = run_together(
        lambda: create(personas, persons[0]), lambda: create(personas, persons[1])
    )
    assert all(isinstance(o, ReadAccess) for o in outcomes), outcomes
    assert ReadAccessGiver.objects.count() == 1


def test_the_same_holder_twice_at_once_gives_one_access(personas):
    for round_ in range(ROUNDS):
        outcomes = run_together(
            lambda: create(personas, COMPANY), lambda: create(personas, COMPANY)
        )
        refused = [o for o in outcomes if isinstance(o, ReadAccessRuleError)]
        assert len(refused) == 1, f"round {round_}: {outcomes!r}"
        assert "allerede en aktiv adgang" in refused[0].message
        assert ReadAccess.objects.filter(ended_at__isnull=True).count() == 1
        ReadAccess.objects.filter(ended_at__isnull=True).update(ended_at=T0)
