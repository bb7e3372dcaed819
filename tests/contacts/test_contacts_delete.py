"""Deleting a contact group (SPEC §4 "Delete group", guide §6.5): exactly the right nodes go,
every other reference stays, and a failure half-way leaves the structure as it was.

The properties run over random DAGs (`tests.support.contacts_factories.shapes`), each
example in an organisation of its own.
"""

import threading

import pytest
from django.db import connection
from django.db.models.query import QuerySet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adgang.contacts import deletion, services
from adgang.contacts.deletion import group_delete
from adgang.contacts.graph import Structure
from adgang.contacts.models import PointInGroup
from adgang.contacts.services import ContactRuleError, point_update
from tests.support.contacts_factories import (
    actor_for,
    build,
    build_shape,
    expected_after_delete,
    group_to_delete,
    log_of,
    organisation_new,
    picture,
    shapes,
    snapshot,
)

pytestmark = pytest.mark.django_db

DB_EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# The guide's example (§6.5).
GUIDE = {
    "groups": ["Lolland", "Retursvar", "Svarpost", "Andet"],
    "points": ["Post til Jobcentret", "SBSIP-svar", "DETTE ER EN TEST"],
    "edges": [
        ("Lolland", "Retursvar"),
        ("Lolland", "Svarpost"),
        ("Lolland", "Post til Jobcentret"),
        ("Retursvar", "SBSIP-svar"),
        ("Svarpost", "DETTE ER EN TEST"),
        ("Andet", "DETTE ER EN TEST"),
    ],
}


class Injected(RuntimeError):
    pass


def fail_on_call(monkeypatch, target: str, original, number: int) -> None:
    """Make the `number`-th call of `target` raise (the calls before it run normally)."""
    calls = {"count": 0}

    def failing(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == number:
            raise Injected(f"injected failure at call {number}")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, failing)


@DB_EXAMPLES
@given(data=st.data())
def test_group_delete_removes_exactly_the_nodes_not_reachable_from_outside(data, monkeypatch):
    shape = data.draw(shapes())
    deleted = data.draw(group_to_delete(shape))
    organisation = organisation_new()
    built = build_shape(organisation, shape)
    with monkeypatch.context() as patch:
        patch.setattr(deletion, "DELETE_BATCH", data.draw(st.sampled_from([1, 2, 500])))
        group_delete(actor=actor_for(organisation), group=built[deleted])
    assert picture(organisation) == expected_after_delete(shape, deleted)


@DB_EXAMPLES
@given(data=st.data())
def test_failure_in_the_middle_of_a_deletion_changes_nothing(data, monkeypatch):
    shape = data.draw(shapes())
    deleted = data.draw(group_to_delete(shape))
    organisation = organisation_new()
    built = build_shape(organisation, shape)
    plan = Structure.load(organisation).deletion_plan(built[deleted].pk)
    # One log write per survivor and per deleted node; one DELETE per survivor's edges and
    # per batch of deleted rows (batches of one here, so there are many).
    where = data.draw(st.sampled_from(["audit", "delete"]))
    writes = len(plan.keep) + len(plan.delete)
    before = snapshot(organisation)
    with monkeypatch.context() as patch:
        patch.setattr(deletion, "DELETE_BATCH", 1)
        if where == "audit":
            number = data.draw(st.integers(1, writes))
            fail_on_call(
                patch,
                "adgang.contacts.services.action_record_changes",
                services.action_record_changes,
                number,
            )
        else:
            number = data.draw(st.integers(1, writes))
            fail_on_call(patch, "django.db.models.query.QuerySet.delete", QuerySet.delete, number)
        with pytest.raises(Injected):
            group_delete(actor=actor_for(organisation), group=built[deleted])
    assert snapshot(organisation) == before


def test_group_delete_deletes_the_content_and_only_removes_the_shared_reference():
    organisation = organisation_new()
    built = build(organisation, **GUIDE)
    result = group_delete(actor=actor_for(organisation), group=built["Lolland"])
    after = picture(organisation)
    assert after.groups == {"Andet"}
    assert after.points == {"DETTE ER EN TEST"}
    assert after.edges == {("Andet", "DETTE ER EN TEST")}
    assert (result.group_name, result.deleted_groups, result.deleted_points) == ("Lolland", 3, 2)
    assert result.removed_references == 1


def test_group_delete_logs_each_deleted_node_and_each_removed_reference():
    organisation = organisation_new()
    built = build(organisation, **GUIDE)
    group_delete(actor=actor_for(organisation), group=built["Lolland"])
    entries = {(e.object_name, e.event, e.field, e.before, e.after) for e in log_of(organisation)}
    assert entries == {
        ("Lolland", "Slettet", "Kontaktgruppe", "Lolland", ""),
        ("Retursvar", "Slettet", "Kontaktgruppe", "Retursvar", ""),
        ("Retursvar", "Slettet", "Overordnede grupper", "Lolland", ""),
        ("Svarpost", "Slettet", "Kontaktgruppe", "Svarpost", ""),
        ("Svarpost", "Slettet", "Overordnede grupper", "Lolland", ""),
        ("Post til Jobcentret", "Slettet", "Kontaktpunkt", "Post til Jobcentret", ""),
        ("Post til Jobcentret", "Slettet", "Kontaktgrupper", "Lolland", ""),
        ("SBSIP-svar", "Slettet", "Kontaktpunkt", "SBSIP-svar", ""),
        ("SBSIP-svar", "Slettet", "Kontaktgrupper", "Retursvar", ""),
        ("DETTE ER EN TEST", "Reference fjernet", "Kontaktgrupper", "Andet, Svarpost", "Andet"),
    }


def test_group_delete_bumps_the_version_of_a_node_that_lost_a_reference():
    organisation = organisation_new()
    built = build(organisation, **GUIDE)
    survivor = built["DETTE ER EN TEST"]
    group_delete(actor=actor_for(organisation), group=built["Lolland"])
    survivor.refresh_from_db()
    assert survivor.version == 2


def test_group_delete_follows_the_structure_as_it_is_now_not_as_previewed():
    organisation = organisation_new()
    built = build(organisation, groups=["A", "B", "C"], points=["p"], edges=[("A", "p")])
    preview = Structure.load(organisation).deletion_plan(built["A"].pk)
    assert built["p"].pk in preview.deleted_point_ids
    # Someone places p in B after the preview was shown: p must survive.
    PointInGroup.objects.create(group=built["B"], point=built["p"])
    group_delete(actor=actor_for(organisation), group=built["A"])
    assert picture(organisation).edges == {("B", "p")}


def test_group_delete_of_a_group_already_deleted_is_refused():
    organisation = organisation_new()
    built = build(organisation, groups=["A"])
    group_delete(actor=actor_for(organisation), group=built["A"])
    before = snapshot(organisation)
    with pytest.raises(ContactRuleError) as refused:
        group_delete(actor=actor_for(organisation), group=built["A"])
    assert refused.value.message == "Kontaktgruppen findes ikke længere."
    assert snapshot(organisation) == before


def test_group_delete_leaves_other_organisations_alone():
    mine, theirs = organisation_new(), organisation_new()
    built = build(mine, **GUIDE)
    build(theirs, **GUIDE)
    before = snapshot(theirs)
    group_delete(actor=actor_for(mine), group=built["Lolland"])
    assert snapshot(theirs) == before


@pytest.mark.django_db(transaction=True)
def test_failed_deletion_in_its_own_transaction_is_rolled_back_whole(monkeypatch):
    # Not inside the test's transaction: the service's atomic block is the real transaction.
    organisation = organisation_new()
    built = build(organisation, **GUIDE)
    before = snapshot(organisation)
    fail_on_call(
        monkeypatch,
        "adgang.contacts.services.action_record_changes",
        services.action_record_changes,
        4,
    )
    with pytest.raises(Injected):
        group_delete(actor=actor_for(organisation), group=built["Lolland"])
    assert snapshot(organisation) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent connections with row locks (PostgreSQL); SQLite serialises "
    "every write transaction anyway",
)
@pytest.mark.parametrize("round_", range(5))
def test_deletion_and_a_concurrent_placement_are_decided_one_after_the_other(round_):
    # p sits only in A; one request deletes A while another also places p in B. Whichever
    # runs first, the result is one of the two orders: never a point deleted under its new
    # reference, never a half-done deletion.
    organisation = organisation_new()
    built = build(organisation, groups=["A", "B"], points=["p"], edges=[("A", "p")])
    actor = actor_for(organisation)
    start = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index, call):
        try:
            start.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    calls = [
        lambda: group_delete(actor=actor, group=built["A"]),
        lambda: point_update(
            actor=actor, point=built["p"], changes={"group_ids": [built["A"].pk, built["B"].pk]}
        ),
    ]
    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a request hung (deadlock?)"
    assert not isinstance(outcomes[0], Exception)
    after = picture(organisation)
    if isinstance(outcomes[1], Exception):  # the deletion came first: p went with A
        assert isinstance(outcomes[1], ContactRuleError)
        assert outcomes[1].message == "Kontaktpunktet findes ikke længere."
        assert after.points == set() and after.edges == set()
    else:  # the placement came first: p survives in B only
        assert after.points == {"p"} and after.edges == {("B", "p")}
    assert after.groups == {"B"}
