"""Reads of Statistik, always within one organisation (another's report answers 404)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from adgang.statistics.models import Report, ReportType


def reports_of(organisation, *, types: list[str] | None = None) -> QuerySet[Report]:
    rows = Report.objects.filter(organisation=organisation).defer("content")
    if types:
        rows = rows.filter(report_type__in=types)
    return rows.order_by("-ordered_at", "pk")


def report_get(organisation, report_id, *, with_content: bool = False) -> Report:
    rows = Report.objects.filter(organisation=organisation)
    if not with_content:
        rows = rows.defer("content")
    return get_object_or_404(rows, pk=report_id)


TYPES = (ReportType.STANDARD, ReportType.CUSTOM)
