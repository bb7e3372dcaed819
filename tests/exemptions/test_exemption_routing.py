"""End to end: a citizen exempted through the service gets mandatory post only (SPEC §6, §13)."""

import pytest

from adgang.exemptions.services import exemption_lift
from adgang.messaging.ingest import message_submit
from adgang.messaging.mailboxes import unopened_post_count
from adgang.messaging.models import MailboxItem, Message, MessageState, Receipt, Route
from tests.exemptions.helpers import actor_of, exempt_citizen
from tests.support.messaging_core import CITIZEN_CPR, memo_xml, sender_system
from tests.support.messaging_ingest import T0


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    system, _ = sender_system(personas.alice)
    return system


def submit(sender, **memo):
    receipt = message_submit(system=sender, content=memo_xml(**memo), query_uuid=None, now=T0)
    assert isinstance(receipt, Receipt), receipt
    return Message.objects.get(pk=receipt.message_id)


def test_exempt_citizen_gets_mandatory_post_only(personas, sender):
    exempt_citizen(personas.bob)

    ordinary = submit(sender)
    assert (ordinary.route, ordinary.state) == (Route.NONE, MessageState.REJECTED)
    assert not MailboxItem.objects.filter(message=ordinary).exists()

    mandatory = submit(sender, mandatory=True)
    assert (mandatory.route, mandatory.state) == (Route.MAILBOX, MessageState.DELIVERED)
    assert MailboxItem.objects.get().message == mandatory
    assert unopened_post_count("CPR", CITIZEN_CPR) == 1


def test_after_lifting_ordinary_post_is_delivered_again(personas, sender):
    exemption = exempt_citizen(personas.bob)
    exemption_lift(
        actor=actor_of(personas.bob),
        organisation=personas.bob.organisation,
        exemption=exemption,
        by_proxy=False,
    )
    message = submit(sender)
    assert (message.route, message.state) == (Route.MAILBOX, MessageState.DELIVERED)
