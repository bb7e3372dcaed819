"""Flyt post (SPEC §12, guide §15): one `PostMove` per move of an authority's post off the
platforms (Virk, e-Boks, mit.dk) to a contact point's receiver system.

The move runs as a background job in batches; the row carries its progress (counters) and a
lease, so a move whose worker died is picked up again by the periodic recovery job
(tasks.py). A batch takes only items still on the platform (`moved_at IS NULL`), so running a
batch again can never move a message twice. At most one move per organisation runs at a
time: the partial unique constraint `movepost_one_running` is the database's guarantee.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now


class MoveState(models.TextChoices):
    RUNNING = "RUNNING", _("Igangværende")
    FINISHED = "FINISHED", _("Afsluttet")
    FAILED = "FAILED", _("Fejlet")


class Destination(models.TextChoices):
    CHOSEN = "CHOSEN", _("Selvvalgt kontaktpunkt")
    MARKED = "MARKED", _("Opmærket kontaktpunkt")


class Origin(models.TextChoices):
    PORTAL = "PORTAL", _("Administrativ Adgang")
    API = "API", _("API")


class PostMove(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="post_moves"
    )
    # The post chosen: all of it (both ends empty) or the post placed on the platforms in the
    # period, both ends included (the page's end minute is stored as its last microsecond).
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    # Post placed on the platforms after the move started is not part of it.
    cutoff = models.DateTimeField()
    destination = models.CharField(max_length=10, choices=Destination.choices)
    # CHOSEN: the destination point; MARKED: the failover point. The id and name are kept as
    # text too, so the history still shows them after the point is deleted.
    point = models.ForeignKey(
        "contacts.ContactPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="post_moves",
    )
    point_ref = models.UUIDField()
    point_name = models.CharField(max_length=255)
    acknowledged = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=MoveState.choices, default=MoveState.RUNNING)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(default=now)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PORTAL)
    actor_display = models.CharField(max_length=100)
    actor_cvr = models.CharField(max_length=8, blank=True)
    actor_rid = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["organisation", "started_at"]),
            models.Index(fields=["state", "lease_until"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(state="RUNNING"),
                name="movepost_one_running",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True, period_end__isnull=True)
                | Q(
                    period_start__isnull=False,
                    period_end__isnull=False,
                    period_end__gte=models.F("period_start"),
                ),
                name="movepost_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.point_ref} ({self.state})"

    @property
    def all_post(self) -> bool:
        return self.period_start is None

    @property
    def is_running(self) -> bool:
        return self.state == MoveState.RUNNING

    @property
    def handled(self) -> int:
        return self.moved + self.failed

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if not self.is_running else 0
        return min(100, round(100 * self.handled / self.total))
