"""Several workers run the periodic job at the same moment (PostgreSQL): each due version is
produced once (the row lock and the re-check of the period decide), with one log entry."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import Actor
from adgang.statistics import services
from adgang.statistics.models import Interval, Report, StandardKind
from tests.statistics.statistics_support import sent

DK = ZoneInfo("Europe/Copenhagen")
WORKERS = 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_runs_produce_each_version_once(personas):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL (SQLite serialises every writer)")
    membership = personas.sofie
    org = membership.organisation
    sent(org, datetime(2026, 1, 5, tzinfo=DK))
    actor = Actor(membership.actor_id, org.cvr, membership.rid)
    for kind in StandardKind.values:
        services.report_order_standard(
            actor=actor, organisation=org, kind=kind, interval=Interval.MONTHLY
        )
    at = datetime(2026, 2, 10, 1, tzinfo=DK)
    barrier = threading.Barrier(WORKERS)
    produced = []

    def run():
        try:
            barrier.wait()
            produced.append(services.standard_reports_produce(at))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(produced) == len(StandardKind.values)
    assert set(Report.objects.values_list("version", flat=True)) == {1}
    assert ActionLogEntry.objects.filter(
        organisation=org, subject=Subject.STATISTIK, event="Rapport oprettet"
    ).count() == len(StandardKind.values)
