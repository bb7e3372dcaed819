"""`adgang.movepost.demo.load`: Kommune A has post on the platforms, made by intake and
routing's mailbox step, idempotently."""

from adgang.accounts import demo as accounts_demo
from adgang.contacts import demo as contacts_demo
from adgang.messaging.events import EventTag
from adgang.messaging.models import MailboxItem, MessageEvent, Receipt
from adgang.movepost import demo
from adgang.systems import demo as systems_demo

KOMMUNE_A = accounts_demo.ORGANISATIONS["A"][0]


def test_demo_puts_post_on_the_platforms_once(db):
    accounts_demo.load()
    systems_demo.load()
    contacts_demo.load()
    assert demo.load() == {"platform_post": demo.LETTERS}
    items = MailboxItem.objects.filter(owner_id=KOMMUNE_A, moved_at__isnull=True)
    assert items.count() == demo.LETTERS
    assert items.filter(message__contact_point_id__gt="").count() == demo.LETTERS // 4
    messages = [item.message for item in items]
    # Through intake: a technical receipt and "Modtaget"; through routing: available.
    assert Receipt.objects.filter(message__in=messages).count() == demo.LETTERS
    assert (
        MessageEvent.objects.filter(
            message__in=messages, event=EventTag.AVAILABLE_TO_RECIPIENT
        ).count()
        == demo.LETTERS
    )
    assert demo.load() == {"platform_post": 0}
    assert MailboxItem.objects.filter(owner_id=KOMMUNE_A).count() == demo.LETTERS
