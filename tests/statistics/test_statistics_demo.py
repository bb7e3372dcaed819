"""The Statistik demo step: orders once, produces what is due, and is idempotent."""

from adgang.statistics import demo
from adgang.statistics.models import Report, ReportStatus


def test_demo_is_idempotent(personas):
    first = demo.load()
    assert first["ordered"] == 3
    assert Report.objects.count() == 3
    custom = Report.objects.get(name=demo.CUSTOM_NAME)
    assert custom.status == ReportStatus.READY
    second = demo.load()
    assert second["ordered"] == 0
    assert Report.objects.count() == 3
