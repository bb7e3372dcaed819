"""NemSMS registrations (SPEC §7): a citizen or company that receives NemSMS messages on a
Danish mobile number. A registration is pending until confirmed through the SMS link.

The core's routing (SPEC §13) reads these through `selectors.nemsms_active`; the caseworker
pages are the caseworker issue's.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now


class NemSmsIdType(models.TextChoices):
    CPR = "CPR", _("Borger")
    CVR = "CVR", _("Virksomhed")


class NemSmsState(models.TextChoices):
    PENDING = "PENDING", _("Afventer bekræftelse")
    ACTIVE = "ACTIVE", _("Tilmeldt")
    CANCELLED = "CANCELLED", _("Afmeldt")


class NemSmsRegistration(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    id_type = models.CharField(max_length=3, choices=NemSmsIdType.choices)
    number = models.CharField(max_length=10)
    phone = models.CharField(_("Telefonnummer"), max_length=20)  # E.164
    state = models.CharField(max_length=10, choices=NemSmsState.choices)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nemsms_registrations_made",
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [models.Index(fields=["id_type", "number"])]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "number"],
                condition=~Q(state="CANCELLED"),
                name="nemsms_one_live_registration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id_type} {self.number} {self.state}"


class SmsOutbox(models.Model):
    """An SMS handed to the embedded SMS gateway (SPEC §7, §13): the default backend of
    `adgang.nemsms.gateway` keeps every SMS here instead of sending it, so tests and the demo
    can read what would have been sent."""

    id = models.BigAutoField(primary_key=True)
    phone = models.CharField(max_length=20)  # E.164
    text = models.TextField()
    # The Digital Post message the SMS notifies of (a plain id: confirmation SMSes have none).
    message_id = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
