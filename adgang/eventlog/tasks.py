"""Periodic removal of saved log searches (they may hold CPR numbers)."""

from datetime import timedelta

from django_tasks import task

from adgang.core.clock import now
from adgang.eventlog.models import SavedSearch

# A result page is usable for a working day; after that the person searches again.
SAVED_SEARCH_LIFETIME = timedelta(hours=12)


def saved_searches_prune() -> int:
    deleted, _ = SavedSearch.objects.filter(created_at__lt=now() - SAVED_SEARCH_LIFETIME).delete()
    return deleted


@task()
def saved_searches_prune_task() -> int:
    return saved_searches_prune()
