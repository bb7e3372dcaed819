"""A search of one of the three logs, kept server-side (SPEC §5, "Search terms never appear in
URLs or server logs").

The search form posts; its criteria are stored here and the result pages refer to the row by
its random id (`?s=<uuid>`). Only the person who made it, acting for the same organisation,
may use it; old rows are pruned by a periodic job (tasks.py).
"""

import uuid

from django.db import models

from adgang.core.clock import now


class LogKind(models.TextChoices):
    MESSAGES = "meddelelser", "meddelelser"
    ACTIONS = "handlinger", "handlinger"
    SEARCHES = "soegninger", "soegninger"


class SavedSearch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=LogKind.choices)
    criteria = models.JSONField()
    created_at = models.DateTimeField(default=now, db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
