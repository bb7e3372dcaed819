"""An authority's contact structure: contact groups and contact points (SPEC §4, guide §6).

The structure is a directed acyclic graph: a group holds groups and points, and a group or
point may sit in several groups (references). A node without a parent group sits at the top
level. The two link tables are the edges; services keep them acyclic and within one
organisation. Field names follow NgDP's ContactPoint/ContactGroup where one exists.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now

NAME_MAX_LENGTH = 50
GROUP_DESCRIPTION_MAX_LENGTH = 255
POINT_DESCRIPTION_MAX_LENGTH = 250
DEFAULT_MAX_MESSAGE_MB = Decimal("99.5")
DEFAULT_MAX_ATTACHMENTS = 10


class Target(models.TextChoices):
    """Målgruppe: who may write to a contact point (NgDP `targets`)."""

    CITIZEN = "CITIZEN", _("Borger")
    COMPANY = "COMPANY", _("Virksomhed")
    AUTHORITY = "AUTHORITY", _("Myndighed")


class CodeType(models.TextChoices):
    """Codes a contact point may be marked with (NgDP `contactPointCodes[].type`)."""

    FORM = "FORM", _("FORM")
    KLE = "KLE", _("KLE")
    SOR = "SOR", _("SOR")
    GLN = "GLN", _("EAN/GLN")
    CUSTOM = "CUSTOM", _("Brugerdefineret")


class ContactGroup(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="contact_groups"
    )
    name = models.CharField(_("Kontaktgruppens navn"), max_length=NAME_MAX_LENGTH)
    description = models.CharField(
        _("Kontaktgruppens beskrivelse"), max_length=GROUP_DESCRIPTION_MAX_LENGTH
    )
    # "Organisatorisk enhed": citizens may choose the group itself as the recipient.
    organisational_unit = models.BooleanField(_("Organisatorisk enhed"), default=False)
    parents = models.ManyToManyField(
        "self",
        through="GroupInGroup",
        through_fields=("child", "parent"),
        symmetrical=False,
        related_name="child_groups",
        blank=True,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["name", "created_at"]
        verbose_name = _("kontaktgruppe")
        verbose_name_plural = _("kontaktgrupper")
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="contact_points"
    )
    # Step 1 "Beskrivelse"
    name = models.CharField(_("Kontaktpunktets navn"), max_length=NAME_MAX_LENGTH)
    description = models.CharField(
        _("Kontaktpunktets beskrivelse"), max_length=POINT_DESCRIPTION_MAX_LENGTH
    )
    internal_note = models.TextField(_("Intern note"), blank=True)
    groups = models.ManyToManyField(
        ContactGroup, through="PointInGroup", related_name="points", blank=True
    )
    # Step 2 "Tilgængelighed"
    visible = models.BooleanField(_("Synlighed"), default=True)
    targets = models.JSONField(_("Målgruppe"), default=list)  # [Target, …], at least one
    # None = the platform default (99.5 MB, 10 attachments).
    max_message_mb = models.DecimalField(
        _("Max MB grænse"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    max_attachments = models.PositiveSmallIntegerField(_("Max antal bilag"), null=True, blank=True)
    link_headline = models.CharField(_("Overskrift"), max_length=50, blank=True)
    link_description = models.CharField(_("Beskrivelse af linket"), max_length=250, blank=True)
    link_text = models.CharField(_("Linktekst"), max_length=50, blank=True)
    link_url = models.URLField(_("Link (URL)"), max_length=500, blank=True)
    input_fields = models.JSONField(_("Informationsfelter"), default=list, blank=True)
    # Step 3 "Opmærkning"
    keywords = models.JSONField(_("Søgeord"), default=list)
    codes = models.JSONField(_("Koder"), default=list, blank=True)  # [{"type", "code"}, …]
    # Step 4 "Tilslutning"
    system = models.ForeignKey(
        "systems.MailSystem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_points",
        verbose_name=_("Modtagersystem"),
    )
    active = models.BooleanField(_("Status"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["name", "created_at"]
        verbose_name = _("kontaktpunkt")
        verbose_name_plural = _("kontaktpunkter")
        indexes = [
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["system", "active"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_message_mb__isnull=True)
                | Q(max_message_mb__gt=0, max_message_mb__lte=DEFAULT_MAX_MESSAGE_MB),
                name="contacts_point_message_size",
            ),
            models.CheckConstraint(
                condition=Q(max_attachments__isnull=True)
                | Q(max_attachments__lte=DEFAULT_MAX_ATTACHMENTS),
                name="contacts_point_attachments",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_max_message_mb(self) -> Decimal:
        return self.max_message_mb if self.max_message_mb is not None else DEFAULT_MAX_MESSAGE_MB

    @property
    def effective_max_attachments(self) -> int:
        if self.max_attachments is not None:
            return self.max_attachments
        return DEFAULT_MAX_ATTACHMENTS


class GroupInGroup(models.Model):
    """An edge: `child` group sits in `parent` group."""

    parent = models.ForeignKey(ContactGroup, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(ContactGroup, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="contacts_group_edge"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("child")), name="contacts_group_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} in {self.parent_id}"


class PointInGroup(models.Model):
    """An edge: `point` sits in `group`."""

    group = models.ForeignKey(ContactGroup, on_delete=models.CASCADE, related_name="+")
    point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "point"], name="contacts_point_edge"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} in {self.group_id}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Venter")
    RUNNING = "running", _("I gang")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


class GroupDeletion(models.Model):
    """A requested "Slet gruppe" (guide §6.5), carried out by a background task.

    The deletion itself is one transaction in the worker, so it is whole or not at all even if
    the browser leaves; this row is what the progress page polls.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    group_id = models.UUIDField()
    group_name = models.CharField(max_length=NAME_MAX_LENGTH)
    # Who asked: the audit actor of the deletion (`Actor` fields).
    actor_display = models.CharField(max_length=80)
    actor_cvr = models.CharField(max_length=8, blank=True)
    actor_rid = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    deleted_groups = models.PositiveIntegerField(default=0)
    deleted_points = models.PositiveIntegerField(default=0)
    removed_references = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.group_name} ({self.status})"


class ImportBatch(models.Model):
    """An uploaded contact-structure workbook between its dry run and "Importér" (§6.7–6.8).

    The file is kept so that what is applied is exactly what the dry run showed; it is
    removed when applied or abandoned.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.CharField(max_length=80)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    report = models.JSONField(default=dict, blank=True)  # the dry run: changes and errors
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    created_at = models.DateTimeField(default=now, editable=False)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
