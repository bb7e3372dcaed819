"""`manage.py bench statistics` at a tiny size: one JSON document, every figure beside its
baseline, report totals equal to the baseline's. No timing is asserted."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from adgang.core.management.commands import bench as bench_command
from adgang.statistics import bench, reports

EVENTS = 600


@pytest.fixture
def document(db, monkeypatch) -> dict:
    monkeypatch.setitem(bench_command.SUITES, "statistics", "adgang.statistics.bench.run")
    out = StringIO()
    call_command("bench", "statistics", "--events", str(EVENTS), "--repeat", "2", stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_every_report_beside_its_baseline(document):
    assert document["suite"] == "statistics"
    assert document["events"] == EVENTS
    assert document["database"] in ("sqlite", "postgresql")
    expected = {f"standard.{kind}" for kind in reports.STANDARD_VARIABLES}
    expected.add("custom.nine_variables")
    assert set(document["figures"]) == expected
    for figure in document["figures"].values():
        assert {"value", "unit", "baseline", "ratio"} <= set(figure)
        assert figure["unit"] == "ms"
        assert figure["value"] > 0 and figure["baseline"] > 0
        assert figure["messages"] == figure["baseline_messages"] > 0
    assert document["figures"]["custom.nine_variables"]["variables"] == 9
    assert document["figures"]["custom.nine_variables"]["messages"] > 0


def test_the_run_reuses_its_fill(document):
    again = bench.run(events=EVENTS, repeat=1)
    assert again["fill_seconds"] is None
    assert (
        again["figures"]["custom.nine_variables"]["messages"]
        == (document["figures"]["custom.nine_variables"]["messages"])
    )
