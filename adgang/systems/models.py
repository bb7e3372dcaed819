"""Connected sender and receiver systems and suppliers' standard systems (SPEC §3).

Field names follow the NgDP `MailSystem` (NGDP-API.md) where one exists. Only a hash of a
system's API secret is stored (`api_key_prefix` finds the row, `api_key_hash` is compared
in constant time); the secret itself is shown once, on the receipt.
"""

import uuid
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now

NAME_MAX_LENGTH = 100
URL_MAX_LENGTH = 500
MAX_IP_ADDRESSES = 32


class Protocol(models.TextChoices):
    REST_PUSH = "REST_PUSH", _("REST PUSH")
    REST_PULL = "REST_PULL", _("REST PULL")
    REST_PUBLISH_SUBSCRIBE = "REST_PUBLISH_SUBSCRIBE", _("REST PUBLISH/SUBSCRIBE")
    SFTP = "SFTP", _("SFTP")


class SystemState(models.TextChoices):
    """Where a system is in its life, as the overview's "Status" column shows it."""

    NOT_ACTIVATED = "not_activated", _("Ikke aktiveret")
    AWAITING = "awaiting", _("Afventer aktivering")
    ACTIVE = "active", _("Aktiv")
    DEACTIVATED = "deactivated", _("Deaktiveret")


def state_at(active_from: datetime | None, active_to: datetime | None, at: datetime) -> str:
    """The state a system with this activation window has at `at` (SPEC §3 "Aktivering")."""
    if active_to is not None and active_to <= at:
        return SystemState.DEACTIVATED
    if active_from is None:
        return SystemState.NOT_ACTIVATED
    if active_from > at:
        return SystemState.AWAITING
    return SystemState.ACTIVE


class ConnectionFields(models.Model):
    """What a system and a standard supplier system share: types, protocol, IPs, contact."""

    name = models.CharField(_("Navn"), max_length=NAME_MAX_LENGTH)
    is_sender = models.BooleanField(_("Afsendersystem"), default=False)
    is_receiver = models.BooleanField(_("Modtagersystem"), default=False)
    protocol = models.CharField(_("Protokol"), max_length=30, choices=Protocol.choices)
    # Either up to 32 single addresses or exactly one range ("10.0.0.0/24", "10.0.0.1-10.0.0.9").
    allowed_ips = models.JSONField(_("IP-adresser"), default=list, blank=True)
    ip_range = models.CharField(_("IP-range"), max_length=100, blank=True)
    endpoint = models.URLField(_("End point"), max_length=URL_MAX_LENGTH, blank=True)
    receipt_endpoint = models.URLField(
        _("Kvitterings-end point"), max_length=URL_MAX_LENGTH, blank=True
    )
    # Labelled as the guide's receiver chapter does, so the log tells them from the system's.
    contact_name = models.CharField(_("Teknisk ansvarlig for systemet"), max_length=NAME_MAX_LENGTH)
    contact_email = models.EmailField(_("Kontakte-mail"))
    contact_phone = models.CharField(_("Kontakttilf.nr."), max_length=30)

    class Meta:
        abstract = True

    @property
    def type_labels(self) -> list[str]:
        labels = []
        if self.is_sender:
            labels.append(_("Afsender"))
        if self.is_receiver:
            labels.append(_("Modtager"))
        return labels

    @property
    def ip_list(self) -> list[str]:
        """Addresses, or the one range, as the user sees them."""
        return [self.ip_range] if self.ip_range else list(self.allowed_ips)


class SystemTemplate(ConnectionFields):
    """A supplier's standard system (SPEC §3 "Standard supplier systems", guide §5.6).

    An organisation choosing it gets connection and contact copied and locked, and gives the
    supplier power of attorney (`delegated_cvr` = the supplier's CVR) by doing so.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="system_templates"
    )
    description = models.CharField(_("Beskrivelse"), max_length=250, blank=True)
    is_published = models.BooleanField(_("Udgivet"), default=True)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["supplier__name", "name"]
        verbose_name = _("standard leverandørsystem")
        verbose_name_plural = _("standard leverandørsystemer")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "name"], name="systems_template_name"),
            models.CheckConstraint(
                condition=Q(is_sender=True) | Q(is_receiver=True),
                name="systems_template_has_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MailSystemQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def receivers(self):
        return self.alive().filter(is_receiver=True)


class MailSystem(ConnectionFields):
    """A sender and/or receiver system of one organisation (NgDP `MailSystem`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="mail_systems"
    )
    supplier_name = models.CharField(_("Systemleverandør"), max_length=NAME_MAX_LENGTH, blank=True)
    # The authority's primary system (NgDP `RECIPIENT_DEFAULT`): receives what has no other home.
    is_primary = models.BooleanField(_("Primærsystem"), default=False)
    ssh_public_key = models.TextField(_("Offentlig SSH-nøgle"), blank=True)
    # Systemfuldmagt: the supplier's CVR, allowed to act for the organisation through the system.
    delegated_cvr = models.CharField(_("Systemfuldmagt"), max_length=8, blank=True)
    move_post_from_virk = models.BooleanField(_("Flyt eksisterende post fra Virk"), default=False)
    extra_email = models.EmailField(_("Ekstra kontakte-mail"), blank=True)
    template = models.ForeignKey(
        SystemTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="systems",
        verbose_name=_("Standard leverandørsystem"),
    )
    active_from = models.DateTimeField(_("Systemet aktiveres fra"), null=True, blank=True)
    active_to = models.DateTimeField(_("Systemet deaktiveres fra"), null=True, blank=True)
    # The state last recorded by a service or the scheduler; `state_at()` is the truth.
    state = models.CharField(_("Status"), max_length=20, choices=SystemState.choices, db_index=True)
    api_key_prefix = models.CharField(max_length=12, db_index=True, editable=False)
    api_key_hash = models.CharField(max_length=64, editable=False)
    api_key_issued_at = models.DateTimeField(editable=False)
    last_used_at = models.DateTimeField(_("Sidst brugt"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MailSystemQuerySet.as_manager()

    class Meta:
        ordering = ["name", "created_at"]
        verbose_name = _("system")
        verbose_name_plural = _("systemer")
        indexes = [models.Index(fields=["organisation", "deleted_at", "name"])]
        constraints = [
            # At most one primary per organisation, enforced by the database (SPEC §3).
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_primary=True, deleted_at__isnull=True),
                name="systems_one_primary_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(is_primary=False) | Q(is_receiver=True, deleted_at__isnull=True),
                name="systems_primary_is_live_receiver",
            ),
            models.CheckConstraint(
                condition=Q(is_sender=True) | Q(is_receiver=True),
                name="systems_system_has_type",
            ),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_to__isnull=True)
                | Q(active_to__gt=models.F("active_from")),
                name="systems_deactivation_after_activation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def state_at(self, at: datetime) -> str:
        return state_at(self.active_from, self.active_to, at)

    def is_active_at(self, at: datetime) -> bool:
        return self.state_at(at) == SystemState.ACTIVE

    @property
    def type_title(self) -> str:
        """ "Afsendersystem", "Modtagersystem" or "Afsender- og modtagersystem" (the receipt)."""
        if self.is_sender and self.is_receiver:
            return str(_("Afsender- og modtagersystem"))
        return str(_("Afsendersystem") if self.is_sender else _("Modtagersystem"))

    @property
    def ssh_username(self) -> str:
        """The SFTP user name of an SFTP sender (NgDP `ssh.sshUsername`)."""
        return f"sys-{self.id.hex[:12]}" if self.protocol == Protocol.SFTP else ""
