"""The staff/system action log and the staff search log (SPEC §5, §14). Append-only.

No code path updates or deletes an entry: `save()` refuses an update, `delete()` and the
queryset's `update()`/`delete()` raise, and a database trigger (migration 0002) refuses
UPDATE and DELETE on both tables on PostgreSQL and SQLite alike.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Log entries are append-only.")

    def delete(self):
        raise AppendOnlyError("Log entries are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Log entries are append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Log entries are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Log entries are append-only.")


class Subject(models.TextChoices):
    """What an action concerns: the subjects searchable in the log (SPEC §5, guide §7.4)."""

    SYSTEM = "System", _("System")
    KONTAKTSTRUKTUR = "Kontaktstruktur", _("Kontaktstruktur")
    FRITAGELSE = "Fritagelse", _("Fritagelse")
    NEMSMS = "NemSMS", _("NemSMS")
    ADGANG = "Adgang", _("Adgang")
    STATISTIK = "Statistik", _("Statistik")
    MYNDIGHEDSINFORMATION = "Myndighedsinformation", _("Myndighedsinformation")
    TILBAGEKALD = "Tilbagekald", _("Tilbagekald")
    FLYT_POST = "Flyt post", _("Flyt post")
    KONTEKST = "Kontekst", _("Kontekst")
    BRUGER = "Bruger", _("Bruger")


class Register(models.TextChoices):
    """Where a staff search looked (SPEC §5 "Log for staff searches")."""

    HAENDELSESLOG = "Hændelseslog", _("Hændelseslog")
    KONTAKTREGISTER = "Kontaktregister", _("Kontaktregister")
    ADGANGSREGISTER = "Adgangsregister", _("Adgangsregister")
    FRITAGELSESREGISTER = "Fritagelsesregister", _("Fritagelsesregister")
    NEMSMSREGISTER = "NemSMS-register", _("NemSMS-register")
    CPR = "CPR-register", _("CPR-register")
    CVR = "CVR-register", _("CVR-register")


class ActionLogEntry(AppendOnlyModel):
    """One staff or system action: who did what to which object, field by field."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(default=now, db_index=True)
    # The organisation in whose log the entry appears.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", null=True
    )
    actor = models.CharField(max_length=80)  # "CVR:x-RID:y" or "System"
    actor_cvr = models.CharField(max_length=8, blank=True, db_index=True)
    actor_rid = models.CharField(max_length=20, blank=True, db_index=True)
    subject = models.CharField(max_length=40, choices=Subject.choices)
    event = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_name = models.CharField(max_length=255, blank=True)
    concerns = models.CharField(max_length=10, blank=True, db_index=True)  # CPR or CVR
    field = models.CharField(max_length=100, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    power_of_attorney = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        # One index per search field of the Hændelseslog (SPEC §5): organisation, field, time.
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"]),
            *(
                models.Index(
                    fields=["organisation", field, "occurred_at"], name=f"action_org_{key}"
                )
                for key, field in (
                    ("subject", "subject"),
                    ("concerns", "concerns"),
                    ("actorcvr", "actor_cvr"),
                    ("actorrid", "actor_rid"),
                    ("object", "object_id"),
                    ("event", "event"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.subject} {self.event}"


class SearchLogEntry(AppendOnlyModel):
    """One staff search or look-up of personal data (SPEC §5, guide §7.5)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(default=now, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=80)
    actor_rid = models.CharField(max_length=20, blank=True, db_index=True)
    search_data = models.CharField(max_length=255, blank=True, db_index=True)
    register = models.CharField(max_length=40, choices=Register.choices)
    result_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"]),
            *(
                models.Index(
                    fields=["organisation", field, "occurred_at"], name=f"search_org_{key}"
                )
                for key, field in (
                    ("data", "search_data"),
                    ("actorrid", "actor_rid"),
                    ("register", "register"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor} {self.register}"
