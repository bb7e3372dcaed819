"""kill -9 of a worker in the middle of a background job (issue 10 fault suite): a group
deletion (Kontaktstruktur), a move of post (Flyt post) and a statistics report.

What a kill -9 leaves behind is exactly this: the transactions that committed stay, the one
in progress is rolled back by the database, and nothing of the process runs afterwards (no
`except`, no `finally` that writes). The tests make that happen in-process, at the worst
point inside each job's transaction, by raising `Killed` — a BaseException, so none of the
job's `except Exception` handlers sees it — so they run on SQLite as well as PostgreSQL.
Then the platform "restarts": time passes to the job's recovery rule and the periodic
recovery and the job run as the next worker would run them.

A real `manage.py db_worker` SIGKILLed mid-move is tests/movepost/test_movepost_crash.py;
a real worker SIGKILLed mid-delivery is test_faults_worker_kill.py.
"""

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.utils.module_loading import import_string

from adgang.audit.models import ActionLogEntry, Subject
from adgang.contacts.models import ContactGroup, ContactPoint, GroupDeletion, JobStatus
from adgang.contacts.tasks import STALLED_AFTER, group_deletion_run, group_deletions_recover
from adgang.core.clock import now
from adgang.messaging.events import EventTag
from adgang.messaging.models import Delivery, MailboxItem, MessageEvent
from adgang.movepost.models import Destination, MoveState
from adgang.movepost.services import (
    BATCH_SIZE,
    MoveRequest,
    lease_length,
    post_move_run,
    post_move_start,
    post_moves_recover,
)
from adgang.statistics import reports, services, tasks
from adgang.statistics.models import EmailOutbox, ReportStatus
from tests.movepost.movepost_support import platform_post, receiver_with_point, sender_of
from tests.statistics.statistics_support import received, sent
from tests.support.contacts_factories import build, picture
from tests.support.systems_core import actor_of

pytestmark = pytest.mark.django_db

DK = ZoneInfo("Europe/Copenhagen")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=DK)


class Killed(BaseException):
    """kill -9 here: the open transaction is rolled back, nothing after it runs."""


def kill_at(monkeypatch, target: str, *, call: int) -> None:
    """Make the `call`-th call of `target` (a dotted path) the moment the worker dies."""
    original = import_string(target)
    calls = itertools.count(1)

    def dying(*args, **kwargs):
        if next(calls) == call:
            raise Killed
        return original(*args, **kwargs)

    monkeypatch.setattr(target, dying)


# -- a group deletion ---------------------------------------------------------------------

POINTS = 700  # two DELETE batches of deletion.DELETE_BATCH
SHARED = ["Delt 1", "Delt 2", "Delt 3"]  # also in "Andet": they only lose a reference


@pytest.fixture
def structure(personas):
    organisation = personas.alice.organisation
    points = [f"Punkt {n:04}" for n in range(POINTS)]
    return build(
        organisation,
        groups=["Lolland", "Retursvar", "Andet"],
        points=[*points, *SHARED],
        edges=[
            ("Lolland", "Retursvar"),
            *(("Retursvar", name) for name in points),
            *(("Lolland", name) for name in SHARED),
            *(("Andet", name) for name in SHARED),
        ],
    )


def deletion_job(structure, alice) -> GroupDeletion:
    """The job "Slet" creates (contacts.views.deletion.group_delete)."""
    actor = actor_of(alice)
    return GroupDeletion.objects.create(
        organisation=structure.organisation,
        group_id=structure["Lolland"].pk,
        group_name="Lolland",
        actor_display=actor.display,
        actor_cvr=actor.cvr,
        actor_rid=actor.rid,
    )


def test_a_group_deletion_killed_mid_transaction_deletes_nothing_and_fails_visibly(
    personas, structure, monkeypatch, time_machine
):
    time_machine.move_to(T0, tick=False)
    organisation = structure.organisation
    before = picture(organisation)
    logged = ActionLogEntry.objects.filter(organisation=organisation).count()
    job = deletion_job(structure, personas.alice)
    # In the second batch of points: the first 500 are already deleted in the transaction.
    kill_at(monkeypatch, "adgang.contacts.deletion._deleted_log", call=600)
    with pytest.raises(Killed):
        group_deletion_run(job.pk)
    monkeypatch.undo()

    assert picture(organisation) == before  # nothing half-deleted
    assert ActionLogEntry.objects.filter(organisation=organisation).count() == logged
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # the claim had committed
    assert group_deletions_recover(at=T0 + STALLED_AFTER / 2) == 0  # may still be working
    assert group_deletions_recover(at=T0 + STALLED_AFTER + timedelta(minutes=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "Sletningen blev afbrudt. Intet er slettet. Prøv igen.",
    )
    assert picture(organisation) == before

    # The caseworker tries again: this time the whole subtree goes, in one piece.
    again = deletion_job(structure, personas.alice)
    assert group_deletion_run(again.pk) == JobStatus.DONE
    again.refresh_from_db()
    assert (again.deleted_groups, again.deleted_points) == (2, POINTS)
    after = picture(organisation)
    assert after.groups == {"Andet"}
    assert after.points == set(SHARED)
    assert after.edges == {("Andet", name) for name in SHARED}


def test_a_group_deletion_killed_after_its_commit_is_settled_done(
    personas, structure, monkeypatch, time_machine
):
    time_machine.move_to(T0, tick=False)
    job = deletion_job(structure, personas.alice)
    kill_at(monkeypatch, "adgang.contacts.tasks._finish", call=1)  # committed, not recorded
    with pytest.raises(Killed):
        group_deletion_run(job.pk)
    monkeypatch.undo()

    assert group_deletions_recover(at=T0 + STALLED_AFTER + timedelta(minutes=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.DONE, "")
    assert not ContactGroup.objects.filter(pk=structure["Lolland"].pk).exists()
    assert ContactPoint.objects.filter(organisation=structure.organisation).count() == len(SHARED)
    assert group_deletion_run(job.pk) == JobStatus.DONE  # a task delivered twice: left as it is


# -- a move of post -----------------------------------------------------------------------

MOVED = 2 * BATCH_SIZE + 50  # three batches


def test_a_move_killed_inside_a_batch_resumes_after_its_lease_and_moves_each_message_once(
    personas, monkeypatch, time_machine
):
    time_machine.move_to(T0, tick=False)
    organisation = personas.alice.organisation
    system, point = receiver_with_point(personas.alice)
    platform_post(sender_of(personas.maja), organisation, MOVED, content=False)
    move = post_move_start(
        actor=actor_of(personas.alice),
        organisation=organisation,
        request=MoveRequest(destination=Destination.CHOSEN, point_id=point.pk, acknowledged=True),
    )
    # The second batch dies after its deliveries were written, before its events.
    kill_at(monkeypatch, "adgang.movepost.services.fetched_events_record", call=2)
    with pytest.raises(Killed):
        post_move_run(move.pk)
    monkeypatch.undo()

    move.refresh_from_db()
    assert (move.state, move.moved) == (MoveState.RUNNING, BATCH_SIZE)
    assert Delivery.objects.filter(system=system).count() == BATCH_SIZE  # batch 2 rolled back
    assert post_moves_recover(at=T0 + lease_length() / 2) == 0  # the lease still holds
    time_machine.move_to(T0 + lease_length() + timedelta(seconds=1), tick=False)
    assert post_moves_recover() == 1  # enqueues the move again; the next worker runs it:
    assert post_move_run(move.pk) == MoveState.FINISHED

    move.refresh_from_db()
    assert (move.moved, move.failed, move.total) == (MOVED, 0, MOVED)
    deliveries = Delivery.objects.filter(system=system)
    assert deliveries.count() == deliveries.values("message_id").distinct().count() == MOVED
    assert not MailboxItem.objects.filter(owner_id=organisation.cvr, moved_at__isnull=True)
    fetched = MessageEvent.objects.filter(organisation=organisation, event=EventTag.FETCHED)
    assert fetched.count() == MOVED
    assert not fetched.values("message_id").annotate(n=Count("id")).filter(n__gt=1).exists()


# -- a statistics report ------------------------------------------------------------------


def test_a_report_killed_while_produced_is_produced_once_by_the_periodic_job(
    personas, settings, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "adgang.statistics.mail.OutboxEmailBackend"
    time_machine.move_to(T0, tick=False)
    organisation = personas.sofie.organisation
    sent(organisation, datetime(2026, 2, 3, tzinfo=DK))
    received(organisation, datetime(2026, 2, 4, tzinfo=DK))
    report = services.report_order_custom(
        actor=actor_of(personas.sofie),
        organisation=organisation,
        name="Februar",
        variables=[reports.AFSENDER, reports.BESKEDTYPE],
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
        email="sofie@kommune-a.dk",
    )
    # The report is computed; the worker dies while writing it out.
    kill_at(monkeypatch, "adgang.statistics.reports.report_csv", call=1)
    with pytest.raises(Killed), django_capture_on_commit_callbacks(execute=True):
        tasks.custom_report_task.call(str(report.pk))
    monkeypatch.undo()

    report.refresh_from_db()
    assert (report.status, report.version, report.content) == (ReportStatus.PENDING, 0, b"")
    time_machine.move_to(T0 + timedelta(minutes=6), tick=False)  # past the sweeper's 5 minutes
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.statistics_periodic_task.call() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.statistics_periodic_task.call() == 0  # produced once

    report.refresh_from_db()
    assert (report.status, report.version, report.error) == (ReportStatus.READY, 1, "")
    assert report.row_count > 0
    assert EmailOutbox.objects.count() == 1
    published = ActionLogEntry.objects.filter(
        subject=Subject.STATISTIK, event="Rapport oprettet", object_id=str(report.pk)
    )
    assert published.count() == 1
    assert now() == T0 + timedelta(minutes=6)
