"""Read access to a citizen's Digital Post (SPEC §8, guide §10).

A citizen (the *adgangsgiver*, giver) lets another person (CPR) or a company (CVR), the
*adgangshaver* (holder), read — or read and write — the post in the giver's platform mailbox.

Rules held here and in `services.py`:
- at most `MAX_ACTIVE_PER_GIVER` (10) active accesses per giver on the whole platform, also
  when two caseworkers create one at the same moment: the giver's `ReadAccessGiver` row is
  locked (`select_for_update`) while an access is created;
- one active access per giver and holder (a second one is refused, not merged: the
  caseworker revokes the old one first if the type or the expiry is to change);
- **expiry**: an access with expiry date D is active through all of D (Danish time) and
  ends at 00:00 Europe/Copenhagen on D + 1. `is_active_at` answers that by itself, so the
  core never honours an expired access even before the periodic job has recorded the end
  ("Adgang udløbet", actor System). Hence an expiry date must lie after today;
- accesses belong to the authority that created them (tenant isolation: another
  organisation sees neither the access nor its id), but the limit of 10 counts every
  authority's accesses, since it is a property of the giver's mailbox.
"""

import uuid
from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now

MAX_ACTIVE_PER_GIVER = 10
NAME_MAX_LENGTH = 200


class AccessType(models.TextChoices):
    READ = "READ", _("Læseadgang")
    READ_WRITE = "READ_WRITE", _("Læse- og skriveadgang")


class HolderIdType(models.TextChoices):
    CPR = "CPR", _("CPR")
    CVR = "CVR", _("CVR")


class EndReason(models.TextChoices):
    REVOKED = "REVOKED", _("Ophævet")
    EXPIRED = "EXPIRED", _("Udløbet")


class ReadAccessGiver(models.Model):
    """One row per giver (CPR): the lock that keeps the limit of 10 under concurrency."""

    cpr = models.CharField(max_length=10, unique=True)
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"{self.cpr[:6]}-****"


class ReadAccessQuerySet(models.QuerySet):
    def active_at(self, at: datetime):
        """Not ended and not past its expiry date (Danish calendar day of `at`)."""
        day = timezone.localdate(at)
        return self.filter(ended_at__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )


class ReadAccess(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    giver = models.ForeignKey(ReadAccessGiver, on_delete=models.PROTECT, related_name="accesses")
    giver_name = models.CharField(max_length=NAME_MAX_LENGTH)
    holder_id_type = models.CharField(max_length=3, choices=HolderIdType.choices)
    holder_id = models.CharField(max_length=10)
    holder_name = models.CharField(max_length=NAME_MAX_LENGTH)
    access_type = models.CharField(max_length=12, choices=AccessType.choices)
    # For a company holder: the employee the access is meant for (optional, guide §10.3).
    employee_name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    expires_on = models.DateField(null=True, blank=True)  # None: "Tidsubegrænset"
    # The giver was exempt and the exemption was kept: while it is in force the holder sees
    # only post placed before `history_until` (the exemption's effective date) plus mandatory.
    exemption_kept = models.BooleanField(default=False)
    history_until = models.DateField(null=True, blank=True)
    exemption_lifted = models.BooleanField(default=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="read_accesses"
    )
    created_by = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=8, choices=EndReason.choices, blank=True)
    ended_by = models.CharField(max_length=80, blank=True)

    objects = ReadAccessQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["holder_id_type", "holder_id"]),
            models.Index(fields=["ended_at", "expires_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["giver", "holder_id_type", "holder_id"],
                condition=Q(ended_at__isnull=True),
                name="readaccess_one_open_per_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_access_type_display()} {self.holder_name}"

    @property
    def ends_at(self) -> datetime | None:
        """00:00 Danish time the day after the expiry date (None when unlimited)."""
        if self.expires_on is None:
            return None
        midnight = datetime.combine(self.expires_on + timedelta(days=1), datetime.min.time())
        return timezone.make_aware(midnight, timezone.get_default_timezone())

    def is_active_at(self, at: datetime) -> bool:
        if self.ended_at is not None:
            return False
        return self.expires_on is None or timezone.localdate(at) <= self.expires_on

    def is_expired_on(self, day: date) -> bool:
        return self.expires_on is not None and day > self.expires_on
