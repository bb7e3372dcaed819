"""Statistics: standard report subscriptions and custom reports (SPEC §11, guide §14).

One `Report` row per line of the overview. A standard report is a subscription: its row
is created at ordering and holds the latest version (each new version replaces the content,
period and creation time in place); "Opsig" deletes the row. A custom report is produced once
and deleted by the scheduler 7 days after it was ordered. The CSV itself is kept in the row
(reports are grouped counts: a few KB).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now


class ReportType(models.TextChoices):
    STANDARD = "STANDARD", _("Standard")
    CUSTOM = "CUSTOM", _("Brugerdefineret")


class StandardKind(models.TextChoices):
    OVERVIEW = "OVERBLIK", _("Overblikrapport")
    MESSAGE_TYPES = "BESKEDTYPER", _("Anvendelse af beskedtyper")
    SYSTEMS = "SYSTEMER", _("Anvendelse af systemer")
    SENT_RECEIVED = "SENDT_MODTAGET", _("Antal meddelelser sendt og modtaget")
    MEMO = "MEMO", _("Anvendelse af MeMo-funktionalitet")


class Interval(models.TextChoices):
    MONTHLY = "MONTHLY", _("Månedligt")
    QUARTERLY = "QUARTERLY", _("Kvartalsvis")
    HALF_YEARLY = "HALF_YEARLY", _("Halvårligt")
    YEARLY = "YEARLY", _("Årligt")


class ReportStatus(models.TextChoices):
    PENDING = "PENDING", _("Under oprettelse")
    READY = "READY", _("Klar")
    FAILED = "FAILED", _("Fejlet")


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="statistics_reports"
    )
    report_type = models.CharField(max_length=10, choices=ReportType.choices)
    kind = models.CharField(max_length=20, choices=StandardKind.choices, blank=True)
    interval = models.CharField(max_length=12, choices=Interval.choices, blank=True)
    name = models.CharField(max_length=50, blank=True)  # custom reports
    variables = models.JSONField(default=list)  # variable slugs (reports.VARIABLES), in order
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    content = models.BinaryField(default=bytes, editable=False)  # the CSV, UTF-8 with BOM
    size_bytes = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    ordered_at = models.DateTimeField(default=now)
    created_at = models.DateTimeField(null=True, blank=True)  # this version's creation
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "ordered_at"]),
            models.Index(fields=["report_type", "ordered_at"]),
        ]
        ordering = ["-ordered_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.report_type == ReportType.STANDARD:
            return str(StandardKind(self.kind).label)
        return self.name

    @property
    def is_standard(self) -> bool:
        return self.report_type == ReportType.STANDARD

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def size_mb(self) -> str:
        return f"{self.size_bytes / (1024 * 1024):.4f} MB"

    @property
    def shown_at(self):
        return self.created_at or self.ordered_at


class EmailOutbox(models.Model):
    """Every e-mail the portal "sends" when `OutboxEmailBackend` is the backend (the
    embedded default sends no e-mail)."""

    id = models.BigAutoField(primary_key=True)
    subject = models.CharField(max_length=998)
    from_email = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    body = models.TextField()
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
