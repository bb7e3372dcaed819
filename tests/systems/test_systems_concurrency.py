"""The primary-system rule and the company limit under two concurrent requests (SPEC §3).

Two threads, each with its own database connection, start the same moment (a barrier); the
services lock the organisation's row, so the second waits for the first and then sees its
result. Needs real concurrent connections with row locks: PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from adgang.systems.models import MailSystem
from adgang.systems.rules import BOTH, RECEIVER
from adgang.systems.selectors import systems_of
from adgang.systems.services import SystemRuleError, system_delete, system_make_primary
from tests.support.systems_core import actor_of, create

ROUNDS = 5

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent connections with row locks (PostgreSQL); SQLite serialises "
        "every write transaction (BEGIN IMMEDIATE) anyway",
    ),
]


def run_together(*calls) -> list:
    """Run each call in its own thread and connection, all released at once.

    Returns per call its result, or the exception it raised.
    """
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
        thread.join(timeout=30)
        assert not thread.is_alive(), "a request hung (deadlock?)"
    return outcomes


def primaries(organisation) -> list[str]:
    return sorted(systems_of(organisation).filter(is_primary=True).values_list("name", flat=True))


def test_two_first_receivers_at_once_make_exactly_one_primary(personas):
    organisation = personas.alice.organisation
    for round_ in range(ROUNDS):
        MailSystem.objects.filter(organisation=organisation).update(
            is_primary=False, deleted_at=organisation.created_at
        )
        outcomes = run_together(
            lambda round_=round_: create(personas.alice, RECEIVER, name=f"A{round_}"),
            lambda round_=round_: create(personas.alice, BOTH, name=f"B{round_}"),
        )
        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert errors == [], f"round {round_}: {errors!r}"
        assert len(primaries(organisation)) == 1, f"round {round_}"
        assert systems_of(organisation).filter(is_receiver=True).count() == 2


def test_two_receivers_for_one_company_at_once_one_is_refused(personas):
    organisation = personas.birgitte.organisation
    for round_ in range(ROUNDS):
        MailSystem.objects.filter(organisation=organisation).update(
            deleted_at=organisation.created_at
        )
        outcomes = run_together(
            lambda round_=round_: create(personas.birgitte, RECEIVER, name=f"A{round_}"),
            lambda round_=round_: create(personas.birgitte, RECEIVER, name=f"B{round_}"),
        )
        refused = [o for o in outcomes if isinstance(o, SystemRuleError)]
        others = [o for o in outcomes if isinstance(o, Exception) and o not in refused]
        assert others == [], f"round {round_}: {others!r}"
        assert len(refused) == 1, f"round {round_}: {outcomes!r}"
        assert refused[0].field == "types"
        assert systems_of(organisation).filter(is_receiver=True).count() == 1


def test_two_make_primary_requests_at_once_leave_exactly_one_primary(personas):
    organisation = personas.alice.organisation
    actor = actor_of(personas.alice)
    create(personas.alice, RECEIVER, name="Primær")
    b = create(personas.alice, RECEIVER, name="B").system
    c = create(personas.alice, RECEIVER, name="C").system
    for round_ in range(ROUNDS):
        outcomes = run_together(
            lambda: system_make_primary(actor=actor, system=b),
            lambda: system_make_primary(actor=actor, system=c),
        )
        assert outcomes == [None, None], f"round {round_}: {outcomes!r}"
        assert primaries(organisation) in (["B"], ["C"]), f"round {round_}"
        # Next round starts from the old primary again.
        system_make_primary(actor=actor, system=systems_of(organisation).get(name="Primær"))


def test_deleting_the_primary_while_another_receiver_is_created_keeps_one_primary(personas):
    organisation = personas.alice.organisation
    actor = actor_of(personas.alice)
    for round_ in range(ROUNDS):
        MailSystem.objects.filter(organisation=organisation).update(
            is_primary=False, deleted_at=organisation.created_at
        )
        primary = create(personas.alice, RECEIVER, name=f"Primær {round_}").system
        outcomes = run_together(
            lambda primary=primary: system_delete(actor=actor, system=primary),
            lambda round_=round_: create(personas.alice, RECEIVER, name=f"Ny {round_}"),
        )
        deleted, created = outcomes
        assert not isinstance(created, Exception), f"round {round_}: {created!r}"
        # Either the delete came first (then the new one is primary), or the new receiver
        # came first (then the primary may not be deleted).
        assert deleted is None or isinstance(deleted, SystemRuleError), repr(deleted)
        assert len(primaries(organisation)) == 1, f"round {round_}: {outcomes!r}"
