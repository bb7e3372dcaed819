"""kill -9 of a real `manage.py db_worker` in the middle of a group deletion (issue 10 fault
suite; SPEC §4 "Delete group", guide §6.5).

The worker is SIGKILLed while the deletion's one transaction is open (it has written: some
points are already deleted and logged inside it). PostgreSQL rolls that transaction back when
the connection dies, so nothing is half-deleted; the job row, claimed RUNNING before the
transaction, is settled by the periodic recovery (contacts.tasks.group_deletions_recover)
as FAILED with its reason, and the caseworker's second try deletes the whole subtree.

PostgreSQL only: the worker is a second process writing the test database. The in-process
kills of test_faults_job_crashes.py cover the same job on SQLite.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from adgang.contacts.models import GroupDeletion, JobStatus
from adgang.contacts.tasks import (
    STALLED_AFTER,
    group_deletion_task,
    group_deletions_recover_task,
)
from tests.core.processes import wait_until
from tests.faults.worker_processes import kill_9, worker_start
from tests.support.contacts_factories import build, picture
from tests.support.systems_core import actor_of

POINTS = 1_000

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a real worker process beside the test needs PostgreSQL (SQLite has one writer)",
    ),
]


def deletion_requested(organisation, group, alice) -> GroupDeletion:
    """What "Slet" does (contacts.views.deletion.group_delete): the job row and its task."""
    actor = actor_of(alice)
    job = GroupDeletion.objects.create(
        organisation=organisation,
        group_id=group.pk,
        group_name=group.name,
        actor_display=actor.display,
        actor_cvr=actor.cvr,
        actor_rid=actor.rid,
    )
    group_deletion_task.enqueue(str(job.pk))
    return job


def writing_transactions() -> int:
    """Other backends on the test database inside a transaction that has written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0]


def status(job) -> str:
    return GroupDeletion.objects.values_list("status", flat=True).get(pk=job.pk)


def test_a_worker_killed_mid_deletion_leaves_the_structure_whole_and_the_job_failed_visibly(
    personas, started, tmp_path
):
    organisation = personas.alice.organisation
    points = [f"Punkt {n:04}" for n in range(POINTS)]
    structure = build(
        organisation,
        groups=["Lolland", "Retursvar", "Andet"],
        points=[*points, "Delt"],
        edges=[
            ("Lolland", "Retursvar"),
            *(("Retursvar", name) for name in points),
            ("Lolland", "Delt"),
            ("Andet", "Delt"),
        ],
    )
    before = picture(organisation)
    job = deletion_requested(organisation, structure["Lolland"], personas.alice)

    first = worker_start(started, tmp_path, "worker-1")
    wait_until(
        lambda: status(job) == JobStatus.RUNNING and writing_transactions(),
        timeout=60,
        interval=0.01,
        message=f"the deletion's transaction: {(tmp_path / 'worker-1.log').read_text()}",
    )
    kill_9(first)
    wait_until(lambda: not writing_transactions(), timeout=10, message="the rollback")
    assert status(job) == JobStatus.RUNNING, "the worker was killed too late to prove anything"
    assert picture(organisation) == before  # rolled back: nothing half-deleted

    # Half an hour passes (STALLED_AFTER, moved in the database, not waited); the periodic
    # recovery settles the job on the next worker.
    GroupDeletion.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    worker_start(started, tmp_path, "worker-2")
    group_deletions_recover_task.enqueue()
    wait_until(lambda: status(job) != JobStatus.RUNNING, timeout=60, message="the recovery")
    job.refresh_from_db()
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "Sletningen blev afbrudt. Intet er slettet. Prøv igen.",
    )
    assert picture(organisation) == before

    again = deletion_requested(organisation, structure["Lolland"], personas.alice)
    wait_until(lambda: status(again) == JobStatus.DONE, timeout=60, message="the second try")
    again.refresh_from_db()
    assert (again.deleted_groups, again.deleted_points) == (2, POINTS)
    after = picture(organisation)
    assert (after.groups, after.points) == ({"Andet"}, {"Delt"})
    assert after.edges == {("Andet", "Delt")}
