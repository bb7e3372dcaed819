"""`manage.py bench ingest bulk delivery` (issue 10, DESIGN "Performance method"): at a tiny
size, through a real gunicorn and real delivery worker processes, each suite prints its
figures beside a baseline, every message is accepted and arrives exactly once. No timing is
asserted (CI never asserts timings).

gunicorn and the workers are other processes, so they need a database they can open and data
that is committed: on SQLite a file database (`--database sqlite:///…`), on PostgreSQL the
test database itself, emptied again (flush) when the module is done.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from adgang.messaging.bench import setup
from adgang.messaging.models import Message

SCALE = "0.001"  # ingest and bulk: 10 messages; delivery: 5 to push and 5 to pull
SUITES = ("ingest", "bulk", "delivery")


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"
        else:
            url = setup.database_url("default")
        out = StringIO()
        call_command(
            "bench", *SUITES, "--database", url, "--scale", SCALE, "--workers", "1",
            "--clients", "2", stdout=out,
        )  # fmt: skip
        yield {document["suite"]: document for document in json.loads(out.getvalue())["suites"]}
        if connection.vendor != "sqlite":
            call_command("flush", interactive=False, verbosity=0)


def _positive(figure: dict) -> None:
    assert figure["valid"] is True, figure
    assert figure["value"] > 0, figure
    assert figure["baseline"] > 0, figure
    assert figure["ratio"] > 0, figure
    assert figure["unit"]


@pytest.mark.parametrize("suite", SUITES)
def test_each_document_names_its_suite_database_and_size(documents, suite):
    document = documents[suite]
    assert document["suite"] == suite
    assert document["database"] == connection.vendor
    assert document["messages"] == (5 if suite == "delivery" else 10)
    assert document["workers"] == 1


def test_ingest_accepts_every_message_through_gunicorn_beside_the_raw_insert(documents):
    figure = documents["ingest"]["figures"]["single.messages_per_second"]
    _positive(figure)
    assert (figure["ok"], figure["failures"], figure["stored"]) == (10, 0, 10)


def test_the_raw_insert_baseline_writes_the_same_rows_intake_wrote(documents):
    rows = documents["ingest"]["figures"]["single.messages_per_second"]["baseline_detail"]["rows"]
    # A letter to a citizen: message, content, mailbox item, technical receipt and three
    # events (validated, receipt sent, available to the recipient).
    assert rows == {
        "messaging_message": 10,
        "messaging_messagecontent": 10,
        "messaging_messageevent": 30,
        "messaging_receipt": 10,
        "messaging_mailboxitem": 10,
        "messaging_delivery": 0,
    }


def test_the_durable_baseline_commits_each_message_with_the_same_rows(documents):
    figure = documents["ingest"]["figures"]["single.messages_per_second"]
    durable = figure["per_message_commit_baseline"]
    assert durable["commits"] == durable["messages"] == 10
    assert durable["rows"] == figure["baseline_detail"]["rows"]
    assert durable["messages_per_second"] > 0
    assert durable["ratio"] > 0


def test_bulk_stores_every_member_with_its_receipt(documents):
    document = documents["bulk"]
    figure = document["figures"]["bulk.messages_per_second"]
    _positive(figure)
    assert (document["archives"], document["members_per_archive"]) == (1, 10)
    assert (figure["receipts_received"], figure["stored"], figure["failures"]) == (10, 10, 0)


def test_push_delivers_every_message_exactly_once_with_the_real_workers(documents):
    figure = documents["delivery"]["figures"]["push.deliveries_per_second"]
    _positive(figure)
    assert (figure["received"], figure["delivered"], figure["attempted"]) == (5, 5, 5)
    assert (figure["lost"], figure["duplicated"], figure["other"]) == (0, 0, 0)
    baseline = figure["baseline_detail"]
    assert (baseline["received"], baseline["lost"], baseline["duplicated"]) == (5, 0, 0)


def test_pull_fetches_and_deletes_every_message_once(documents):
    figure = documents["delivery"]["figures"]["pull.fetch_and_delete_per_second"]
    _positive(figure)
    assert (figure["fetched"], figure["lost"], figure["duplicated"], figure["failures"]) == (
        5,
        0,
        0,
        0,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="an in-memory database is SQLite's")
@pytest.mark.django_db
def test_an_in_memory_sqlite_database_is_refused_with_the_way_out():
    with pytest.raises(RuntimeError, match=r"give --database sqlite:////"):
        setup.database_url("default")
    assert Message.objects.count() == 0
