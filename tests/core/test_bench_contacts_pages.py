"""`manage.py bench contacts pages` (issue 10, DESIGN "Performance method") at a tiny size:
each figure beside its baseline, the contacts suite doing the same logical work as its raw
baseline, every page answered 200 to logged-in sessions through a real gunicorn. No timing is
asserted (CI never asserts timings).

The pages suite's gunicorn is another process, so it needs a database it can open and
committed data: on SQLite a file database (`--database sqlite:///…`), on PostgreSQL the test
database itself, emptied again (flush) when the module is done — as the ingest suites' tests.
"""

import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from adgang.messaging.bench import setup
from adgang.ui import bench as pages_bench

POINTS = 50  # contacts: --scale 0.005 of 10,000
PAGES_SCALE = "0.25"  # pages: one timed request per session and page
SESSIONS = 2


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"
        else:
            url = setup.database_url("default")
        before = os.environ.get("ADGANG_TESTPORTAL_ENABLED")
        documents = {}
        for suite, scale in (("contacts", "0.005"), ("pages", PAGES_SCALE)):
            out = StringIO()
            call_command(
                "bench", suite, "--database", url, "--scale", scale, "--workers", "1",
                "--clients", str(SESSIONS), "--repeat", "2", stdout=out,
            )  # fmt: skip
            documents[suite] = json.loads(out.getvalue())
        documents["environment_after"] = os.environ.get("ADGANG_TESTPORTAL_ENABLED")
        documents["environment_before"] = before
        yield documents
        if connection.vendor != "sqlite":
            call_command("flush", interactive=False, verbosity=0)


def _positive(figure: dict) -> None:
    assert figure["unit"] == "ms", figure
    assert figure["value"] > 0, figure
    assert figure["baseline"] > 0, figure
    assert figure["ratio"] > 0, figure


def test_contacts_names_its_database_and_size(documents):
    document = documents["contacts"]
    assert document["suite"] == "contacts"
    assert document["database"] == connection.vendor
    assert document["points"] == POINTS
    assert set(document["figures"]) == {
        "overview.top_level",
        "overview.search",
        "export",
        "import_dry_run",
        "delete_group",
    }
    for figure in document["figures"].values():
        _positive(figure)


def test_export_and_its_baseline_write_workbooks(documents):
    figure = documents["contacts"]["figures"]["export"]
    assert figure["kib"] > 0
    assert figure["baseline_kib"] > 0


def test_the_dry_run_finds_every_changed_point_and_saves_nothing(documents):
    figure = documents["contacts"]["figures"]["import_dry_run"]
    # Every 10th of the 50 points was changed in the database after the export.
    assert (figure["changes"], figure["errors"]) == (5, 0)
    # Header rows and the data rows of both sheets: far more cells than points.
    assert figure["cells_read"] > POINTS * 10


def test_the_deletion_and_its_raw_baseline_remove_the_same_amount(documents):
    figure = documents["contacts"]["figures"]["delete_group"]
    assert figure["status"] == "done"
    # A top-level group with its 9 subgroups and 5 % of the points.
    assert (figure["deleted_groups"], figure["deleted_points"]) == (10, 2)
    assert figure["baseline_detail"] == {"deleted_groups": 10, "deleted_points": 2}


def test_pages_times_every_main_page_beside_healthz(documents):
    document = documents["pages"]
    assert document["suite"] == "pages"
    assert document["database"] == connection.vendor
    assert document["sessions"] == SESSIONS
    figures = document["figures"]
    assert set(figures) == {"healthz"} | {page.name for page in pages_bench.PAGES}
    floor = figures["healthz"]["p95"]
    for name, figure in figures.items():
        assert figure["valid"] is True, (name, figure)
        assert (figure["requests"], figure["failures"]) == (SESSIONS, 0), (name, figure)
        assert 0 < figure["p50"] <= figure["p95"], (name, figure)
        assert figure["baseline"] == floor, name
        assert figure["solo_p50"] > 0, name
        if name != "healthz":
            assert figure["queries"] > 0, name


def test_the_event_log_is_timed_on_a_search_result(documents):
    assert [page.path for page in pages_bench.PAGES if page.search] == [
        "/haendelseslog/meddelelser/"
    ]
    assert documents["pages"]["figures"]["haendelseslog.meddelelser"]["valid"] is True


def test_the_test_portal_switch_is_put_back_after_the_run(documents):
    assert documents["environment_after"] == documents["environment_before"]
