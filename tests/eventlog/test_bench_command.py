"""`manage.py bench eventlog` (issue 6, DESIGN "Performance method"): at a tiny size it fills
the logs and prints one JSON document with every figure beside its baseline. No timing is
asserted (CI never asserts timings)."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from adgang.accounts.models import Organisation
from adgang.audit.models import ActionLogEntry, SearchLogEntry
from adgang.messaging.models import MessageEvent

EVENTS = 1000
SEARCHES = {
    "messages": ("period", "message_id", "system_id", "cpr", "cvr", "kind", "direction", "event"),
    "actions": ("subject", "cpr_cvr", "actor", "object_id", "event"),
    "searches": ("actor", "search_data", "register"),
}
EXTRA_FIGURES = (
    "messages.period.uncapped_count.p50",
    "export.rows_per_second",
    "export.peak_rss",
)


def bench(*args: str) -> dict:
    out = StringIO()
    call_command("bench", "eventlog", "--repeat", "2", "--export-rows", "500", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def document(db) -> dict:
    return bench("--events", str(EVENTS))


def test_the_document_names_the_suite_database_and_size(document):
    assert document["suite"] == "eventlog"
    assert document["database"] in ("sqlite", "postgresql")
    assert document["events"] == EVENTS


def test_the_log_holds_the_requested_events_and_a_tenth_in_each_staff_log(document):
    assert MessageEvent.objects.count() == EVENTS
    assert ActionLogEntry.objects.count() == EVENTS // 10
    assert SearchLogEntry.objects.count() == EVENTS // 10


def test_the_events_have_the_real_shapes(document):
    assert set(MessageEvent.objects.values_list("direction", flat=True)) == {"OUT", "IN"}
    assert MessageEvent.objects.values("organisation").distinct().count() > 1
    assert MessageEvent.objects.filter(recipient_type="CPR").exists()
    assert MessageEvent.objects.filter(recipient_type="CVR").exists()


def test_every_search_type_has_p50_and_p95_beside_a_positive_baseline(document):
    names = [
        f"{log}.{search}.{quantile}"
        for log, searches in SEARCHES.items()
        for search in searches
        for quantile in ("p50", "p95")
    ]
    for name in [*names, *EXTRA_FIGURES]:
        figure = document["figures"][name]
        assert figure["value"] > 0, name
        assert figure["baseline"] > 0, name
        assert figure["ratio"] > 0, name
        assert figure["unit"], name


def test_the_export_reports_its_rows_and_memory_growth(document):
    export = document["figures"]["export.peak_rss"]
    assert 0 < export["rows"] <= EVENTS
    assert "growth_mb" in export and "baseline_growth_mb" in export


def test_a_second_run_with_the_same_size_reuses_the_rows(document):
    again = bench("--events", str(EVENTS))
    assert again["fill_seconds"] is None
    assert MessageEvent.objects.count() == EVENTS


@pytest.mark.django_db
def test_a_log_holding_other_events_is_refused_before_anything_is_added(personas):
    MessageEvent.objects.create(
        organisation=personas.alice.organisation, direction="OUT", event="MEMO_SEND_VALIDATED"
    )
    before = (MessageEvent.objects.count(), Organisation.objects.count())
    with pytest.raises(CommandError, match="holds 1 events that this run did not fill"):
        bench("--events", "1500")
    assert (MessageEvent.objects.count(), Organisation.objects.count()) == before


def test_a_bench_log_of_another_size_is_refused(document):
    before = (MessageEvent.objects.count(), ActionLogEntry.objects.count())
    with pytest.raises(CommandError, match="holds 1000 events that this run did not fill"):
        bench("--events", "1500")
    assert (MessageEvent.objects.count(), ActionLogEntry.objects.count()) == before


def test_an_unknown_suite_is_refused(db):
    with pytest.raises(CommandError, match=re.escape("Unknown suite(s): nosuch. Known: eventlog")):
        call_command("bench", "nosuch", stdout=StringIO())
    assert MessageEvent.objects.count() == 0


@pytest.mark.django_db
def test_database_runs_against_another_database_and_leaves_the_configured_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    document = bench("--database", url, "--events", "300")
    assert document["database"] == "sqlite"
    assert document["events"] == 300
    assert MessageEvent.objects.count() == 0
