"""Reads of the platform mailboxes (SPEC §13): what the caseworker pages ask.

The "unopened post" warning of Fritagelse (SPEC §6) counts the messages in a citizen's or
company's platform mailbox that nobody has opened and that have not been moved off the
platform (Flyt post, SPEC §12). Index: MailboxItem(owner_id_type, owner_id, placed_at).
"""

from django.db.models import QuerySet

from adgang.messaging.models import MailboxItem


def mailbox_items(id_type: str, number: str) -> QuerySet[MailboxItem]:
    """The messages in the platform mailbox of a CPR ("CPR") or CVR ("CVR"), newest first."""
    return (
        MailboxItem.objects.filter(owner_id_type=id_type, owner_id=number, moved_at__isnull=True)
        .select_related("message")
        .order_by("-placed_at")
    )


def unopened_post_count(id_type: str, number: str) -> int:
    return mailbox_items(id_type, number).filter(opened_at__isnull=True).count()
