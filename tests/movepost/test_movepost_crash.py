"""Flyt post survives a worker crash (SPEC §12): 10,000 messages, a real `manage.py db_worker`
killed with SIGKILL in the middle of the move, a new worker finishes it, and every message is
moved exactly once (one Delivery, `moved_at` set once, one "Afhentet" event each).

PostgreSQL only: the worker is another process on the same test database, and the test
process reads progress while it writes (SQLite's single writer and the test connection make
that a different, meaningless test)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.db.models import Count, F

from adgang.messaging.events import EventTag
from adgang.messaging.models import Delivery, MailboxItem, Message, MessageEvent
from adgang.movepost.models import Destination, MoveState, PostMove
from adgang.movepost.services import MoveRequest, post_move_start
from tests.movepost.movepost_support import platform_post, receiver_with_point, sender_of
from tests.support.systems_core import actor_of

MESSAGES = int(os.environ.get("MOVEPOST_CRASH_MESSAGES", "10000"))
WORKER_SETTINGS = "tests.movepost.movepost_worker_settings"


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_start() -> subprocess.Popen:
    environment = os.environ | {
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "PYTHONPATH": os.getcwd(),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("MOVEPOST_WORKER_LOG", os.devnull), "a"),
        start_new_session=True,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}: {diagnosis()}")


def platform_post_copies(sender, organisation, count: int) -> None:
    """`count` platform messages for the organisation, fast: one made through the ORM, the
    rest copied from it by PostgreSQL (`generate_series`), with new ids, messageUUIDs and
    transmission ids, and each given its MailboxItem."""
    (template,) = platform_post(sender, organisation, 1, content=False)
    columns = [field.column for field in Message._meta.concrete_fields]
    fresh = {"id", "message_uuid", "transmission_id"}
    copied = ", ".join(
        "gen_random_uuid()" if column in fresh else f'"{column}"' for column in columns
    )
    names = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Message._meta.db_table} ({names}) "  # noqa: S608 (our own names)
            f"SELECT {copied} FROM {Message._meta.db_table}, generate_series(2, %s) "
            "WHERE id = %s",
            [count, template.message_id],
        )
        cursor.execute(
            f"INSERT INTO {MailboxItem._meta.db_table} "  # noqa: S608
            "(owner_id_type, owner_id, message_id, placed_at) "
            "SELECT recipient_id_type, recipient_id, m.id, m.created_at "
            f"FROM {Message._meta.db_table} m WHERE m.recipient_id = %s AND m.id <> %s "
            "ORDER BY m.id",
            [organisation.cvr, template.message_id],
        )


def diagnosis() -> str:
    from django_tasks_db.models import DBTaskResult

    moves = list(PostMove.objects.values("state", "moved", "total", "lease_until"))
    tasks = list(DBTaskResult.objects.values_list("task_path", "status"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event_type, left(query, 120) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        activity = cursor.fetchall()
    tasks = [task for task in tasks if "post_move" in task[0]]
    return f"moves={moves} tasks={tasks} activity={activity}"


def progress(move_id):
    return PostMove.objects.values("state", "moved", "total").get(pk=move_id)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_resumes_and_moves_every_message_exactly_once(personas):
    if connection.vendor != "postgresql":
        pytest.skip("The crash test runs a second process on the database: PostgreSQL only.")
    organisation = personas.alice.organisation
    system, point = receiver_with_point(personas.alice)
    platform_post_copies(sender_of(personas.maja), organisation, MESSAGES)
    move = post_move_start(
        actor=actor_of(personas.alice),
        organisation=organisation,
        request=MoveRequest(destination=Destination.CHOSEN, point_id=point.pk, acknowledged=True),
    )
    assert move.total == MESSAGES
    workers = [worker_start()]
    try:
        wait_for(lambda: progress(move.pk)["moved"] >= MESSAGES // 10, 40, "the first batches")
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        halfway = progress(move.pk)
        assert halfway["state"] == MoveState.RUNNING
        assert 0 < halfway["moved"] < MESSAGES, "the worker was killed too late to prove anything"

        workers.append(worker_start())
        wait_for(lambda: progress(move.pk)["state"] != MoveState.RUNNING, 50, "the move's end")
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
    final = PostMove.objects.get(pk=move.pk)
    assert (final.state, final.moved, final.failed) == (MoveState.FINISHED, MESSAGES, 0)
    items = MailboxItem.objects.filter(owner_id=organisation.cvr)
    assert items.filter(moved_at__isnull=True).count() == 0
    deliveries = Delivery.objects.filter(system=system)
    assert deliveries.count() == MESSAGES
    assert deliveries.values("message_id").distinct().count() == MESSAGES
    fetched = MessageEvent.objects.filter(organisation=organisation, event=EventTag.FETCHED)
    assert fetched.count() == MESSAGES
    assert not fetched.values("message_id").annotate(n=Count("id")).filter(n__gt=1).exists()
    # moved_at was set once: by the batch that recorded the message's one event.
    assert (
        items.filter(
            message__events__event=EventTag.FETCHED,
            message__events__occurred_at=F("moved_at"),
        ).count()
        == MESSAGES
    )
