"""The unopened-post count of a platform mailbox (SPEC §6 warning, §13 mailboxes)."""

from adgang.core.clock import now
from adgang.messaging.mailboxes import mailbox_items, unopened_post_count
from adgang.messaging.models import IdType, MailboxItem
from tests.support.messaging_delivery import message_for, pull_sender

CITIZEN = "0101901234"


def in_mailbox(system, cpr):
    message = message_for(
        sender_system=system, recipient_organisation=None, recipient_id=cpr, recipient_type="CPR"
    )
    MailboxItem.objects.create(owner_id_type=IdType.CPR, owner_id=cpr, message=message)
    return message


def test_counts_only_unopened_items_still_on_the_platform(personas):
    system = pull_sender(personas)
    first, opened, moved = (in_mailbox(system, CITIZEN) for _ in range(3))
    in_mailbox(system, "0202902345")
    MailboxItem.objects.filter(message=opened).update(opened_at=now())
    MailboxItem.objects.filter(message=moved).update(moved_at=now())
    assert unopened_post_count(IdType.CPR, CITIZEN) == 1
    assert unopened_post_count(IdType.CVR, CITIZEN) == 0
    assert {item.message_id for item in mailbox_items(IdType.CPR, CITIZEN)} == {
        first.pk,
        opened.pk,
    }
