"""Statistics services (SPEC §11): order, cancel and download reports; produce them.

Every rule of the forms is checked again here (`report_rules_*`), so a tampered request or a
script cannot store what a form refuses. Orders, downloads and cancellations are written to
the action log (subject Statistik) in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, Actor, action_record
from adgang.core.clock import now, today
from adgang.statistics import reports
from adgang.statistics.models import Interval, Report, ReportStatus, ReportType, StandardKind

logger = logging.getLogger(__name__)

NAME_MAX = 50
CUSTOM_RETENTION = timedelta(days=7)


class ReportRuleError(Exception):
    """A refused order: the Danish message and the form field it belongs to."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


# --- rules ------------------------------------------------------------------------------


def one_year_after(start: date) -> date:
    """The latest end allowed for `start`: the same day a year later (28 Feb for 29 Feb)."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return start.replace(year=start.year + 1, day=28)


def report_rules_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ReportRuleError(
                _("Angiv en gyldig e-mailadresse, fx navn@eksempel.dk."), "email"
            ) from None
    return email


def report_rules_standard(kind: str, interval: str) -> None:
    if kind not in StandardKind.values:
        raise ReportRuleError(_("Vælg en af de fem standardrapporter."), "kind")
    if interval not in Interval.values:
        raise ReportRuleError(
            _(
                "Vælg hvor ofte rapporten skal leveres: månedligt, kvartalsvis, halvårligt "
                "eller årligt."
            ),
            "interval",
        )


def report_rules_custom(
    *, name: str, variables: Sequence[str], start: date | None, end: date | None, on: date
) -> None:
    name = (name or "").strip()
    if not name:
        raise ReportRuleError(_("Angiv rapportens navn."), "name")
    if len(name) > NAME_MAX:
        raise ReportRuleError(
            _("Rapportens navn må højst være %(max)d tegn.") % {"max": NAME_MAX}, "name"
        )
    if not variables:
        raise ReportRuleError(_("Vælg mindst én variabel."), "variables")
    if any(slug not in reports.VARIABLES for slug in variables) or len(set(variables)) != len(
        variables
    ):
        raise ReportRuleError(_("Vælg kun variabler fra listen."), "variables")
    if len(variables) > reports.MAX_VARIABLES:
        raise ReportRuleError(_("Vælg højst ni variabler."), "variables")
    if start is None:
        raise ReportRuleError(_("Angiv et starttidspunkt."), "start")
    if end is None:
        raise ReportRuleError(_("Angiv et sluttidspunkt."), "end")
    if start > on:
        raise ReportRuleError(_("Starttidspunktet må ikke ligge i fremtiden."), "start")
    if end > on:
        raise ReportRuleError(_("Sluttidspunktet må ikke ligge i fremtiden."), "end")
    if end < start:
        raise ReportRuleError(_("Sluttidspunktet må ikke ligge før starttidspunktet."), "end")
    if end > one_year_after(start):
        raise ReportRuleError(
            _("Tidsperioden må højst være 1 år. Vælg et sluttidspunkt senest %(date)s.")
            % {"date": one_year_after(start).strftime("%d/%m/%Y")},
            "end",
        )


# --- orders -----------------------------------------------------------------------------


def _log(*, actor: Actor, report: Report, event, field: str = "", after: str = "") -> None:
    action_record(
        actor=actor,
        organisation=report.organisation,
        subject=Subject.STATISTIK,
        event=event,
        object_id=report.pk,
        object_name=report.title,
        field=field,
        after=after,
    )


def report_order_standard(
    *, actor: Actor, organisation, kind: str, interval: str, email: str = ""
) -> Report:
    """Subscribe to a standard report; its first version comes with the next production run."""
    report_rules_standard(kind, interval)
    email = report_rules_email(email)
    with transaction.atomic():
        report = Report.objects.create(
            organisation=organisation,
            report_type=ReportType.STANDARD,
            kind=kind,
            interval=interval,
            variables=list(reports.STANDARD_VARIABLES[kind]),
            email=email,
            ordered_at=now(),
        )
        _log(
            actor=actor,
            report=report,
            event=gettext_lazy("Standardrapport bestilt"),
            field=str(gettext_lazy("Levering")),
            after=str(Interval(interval).label),
        )
    return report


def report_order_custom(
    *,
    actor: Actor,
    organisation,
    name: str,
    variables: Sequence[str],
    start: date | None,
    end: date | None,
    email: str = "",
) -> Report:
    """Order a custom report; it is produced once in the background (`tasks`)."""
    variables = list(variables or [])
    report_rules_custom(name=name, variables=variables, start=start, end=end, on=today())
    email = report_rules_email(email)
    with transaction.atomic():
        report = Report.objects.create(
            organisation=organisation,
            report_type=ReportType.CUSTOM,
            name=name.strip(),
            variables=variables,
            period_start=start,
            period_end=end,
            email=email,
            ordered_at=now(),
        )
        _log(
            actor=actor,
            report=report,
            event=gettext_lazy("Brugerdefineret rapport bestilt"),
            field=str(gettext_lazy("Variabler")),
            after=", ".join(str(reports.VARIABLES[slug]) for slug in variables),
        )
        transaction.on_commit(lambda: _enqueue_custom(report.pk))
    return report


def _enqueue_custom(report_id) -> None:
    from adgang.statistics.tasks import custom_report_task

    try:
        custom_report_task.enqueue(str(report_id))
    except Exception:  # the pending report is picked up by the periodic job instead
        logger.exception("Could not enqueue custom report %s", report_id)


def report_cancel(*, actor: Actor, report: Report) -> None:
    """ "Opsig": end a standard report subscription (its latest version goes with it)."""
    if not report.is_standard:
        raise ReportRuleError(_("En brugerdefineret rapport kan ikke opsiges."))
    with transaction.atomic():
        locked = Report.objects.select_for_update().filter(pk=report.pk).first()
        if locked is None:
            raise ReportRuleError(_("Rapporten findes ikke længere."))
        _log(actor=actor, report=locked, event=gettext_lazy("Standardrapport opsagt"))
        locked.delete()


def report_download(*, actor: Actor, report: Report) -> bytes:
    """The report's CSV, with the download in the action log."""
    if not report.is_ready:
        raise ReportRuleError(_("Rapporten er ikke klar til download endnu."))
    with transaction.atomic():
        _log(
            actor=actor,
            report=report,
            event=gettext_lazy("Rapport downloadet"),
            field=str(gettext_lazy("Tidsperiode")),
            after=_period_text(report),
        )
    return bytes(report.content)


def _period_text(report: Report) -> str:
    if report.period_start is None or report.period_end is None:
        return ""
    return f"{report.period_start:%d/%m/%Y}-{report.period_end:%d/%m/%Y}"


# --- production -------------------------------------------------------------------------


def _notify(report: Report) -> None:
    if not report.email:
        return
    try:
        send_mail(
            subject=_("Din rapport er klar til download"),
            message=_(
                "Rapporten '%(title)s' (%(period)s) er klar til download under Statistik i "
                "Administrativ Adgang."
            )
            % {"title": report.title, "period": _period_text(report)},
            from_email=None,
            recipient_list=[report.email],
        )
    except Exception:  # a mail outage must not undo the report
        logger.exception("Could not send the notification for report %s", report.pk)


def _produce(report: Report, start: date, end: date, *, at: datetime) -> None:
    table = reports.report_compute(
        organisation_id=report.organisation_id,
        variables=report.variables,
        start=start,
        end=end,
    )
    content = reports.report_csv(table)
    report.period_start, report.period_end = start, end
    report.content = content
    report.size_bytes = len(content)
    report.row_count = len(table.rows)
    report.status = ReportStatus.READY
    report.created_at = at
    report.version += 1
    report.error = ""


def standard_reports_produce(at: datetime | None = None) -> int:
    """Produce every standard report whose next version is due; return how many were made.

    A version for period P is due from the 10th day of the period after P and replaces the
    previous one. The first version after ordering covers the newest due period when the
    organisation has messages in it (or when that period ended after the order), so a
    subscription ordered mid-period waits for the first period it saw end.
    """
    at = at or now()
    on = at.astimezone(reports.DANISH).date()
    produced = 0
    due = Q()
    for interval in Interval.values:
        _start, due_end = reports.latest_due_period(on, interval)
        due |= Q(interval=interval) & (Q(period_end__isnull=True) | Q(period_end__lt=due_end))
    candidates = Report.objects.filter(due, report_type=ReportType.STANDARD)
    for report_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(pk=report_id).first()
            if report is None:
                continue
            start, end = reports.latest_due_period(on, report.interval)
            if report.period_end is not None and report.period_end >= end:
                continue
            ordered_on = report.ordered_at.astimezone(reports.DANISH).date()
            if (
                report.period_end is None
                and end < ordered_on
                and not reports.counting_events(report.organisation_id, start, end).exists()
            ):
                continue
            _produce(report, start, end, at=at)
            report.save()
            _published(report)
        produced += 1
    return produced


def _published(report: Report) -> None:
    """A new version is ready: in the action log (actor System) and, after commit, by e-mail."""
    action_record(
        actor=SYSTEM,
        organisation=report.organisation,
        subject=Subject.STATISTIK,
        event=gettext_lazy("Rapport oprettet"),
        object_id=report.pk,
        object_name=report.title,
        field=str(gettext_lazy("Tidsperiode")),
        after=_period_text(report),
    )
    transaction.on_commit(lambda: _notify(report))


def custom_report_produce(report_id) -> str:
    """Produce a pending custom report once; returns its status."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(pk=report_id, report_type=ReportType.CUSTOM)
            .first()
        )
        if report is None:
            return "GONE"
        if report.status != ReportStatus.PENDING:
            return report.status
        try:
            with transaction.atomic():
                _produce(report, report.period_start, report.period_end, at=now())
        except Exception:
            logger.exception("Custom report %s failed", report.pk)
            report.status = ReportStatus.FAILED
            report.error = _("Rapporten kunne ikke dannes. Bestil den igen.")
        report.save()
        if report.is_ready:
            _published(report)
        return report.status


def custom_reports_pending() -> list:
    """Pending custom reports older than a few minutes (a lost enqueue), for the sweeper."""
    return list(
        Report.objects.filter(
            report_type=ReportType.CUSTOM,
            status=ReportStatus.PENDING,
            ordered_at__lt=now() - timedelta(minutes=5),
        ).values_list("pk", flat=True)
    )


def custom_reports_prune(at: datetime | None = None) -> int:
    """Delete custom reports 7 days after they were ordered; return how many."""
    at = at or now()
    deleted = 0
    for report in Report.objects.filter(
        report_type=ReportType.CUSTOM, ordered_at__lte=at - CUSTOM_RETENTION
    ):
        with transaction.atomic():
            count, _counts = Report.objects.filter(pk=report.pk).delete()
            if count:
                action_record(
                    actor=SYSTEM,
                    organisation=report.organisation,
                    subject=Subject.STATISTIK,
                    event=gettext_lazy("Brugerdefineret rapport slettet"),
                    object_id=report.pk,
                    object_name=report.title,
                    reason=str(gettext_lazy("Slettet automatisk 7 dage efter oprettelse")),
                )
                deleted += 1
    return deleted
