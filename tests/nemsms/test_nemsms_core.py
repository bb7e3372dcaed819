"""NemSMS through the Digital Post core (SPEC §7, §13): a NemSMS message reaches the outbox
while the registration is active and fails with "NemSMS fejlet" once it is unregistered."""

import pytest

from adgang.messaging.events import EventTag
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import Message, MessageEvent, MessageState
from adgang.nemsms import services
from adgang.nemsms.models import SmsOutbox
from tests.nemsms.conftest import outbox_token
from tests.support.messaging_core import CITIZEN_CPR, memo_xml, sender_system
from tests.support.messaging_ingest import T0

PHONE = "+4520304050"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


def send_nemsms(sender) -> Message:
    receipt = message_submit(
        system=sender, content=memo_xml(message_type="NEMSMS"), query_uuid=None, now=T0
    )
    return Message.objects.get(pk=receipt.message_id)


def tags(message) -> list[str]:
    return list(MessageEvent.objects.filter(message=message).values_list("event", flat=True))


def test_active_registration_gets_the_sms_and_unregistered_fails(personas, bob_actor):
    sender, _ = sender_system(personas.alice)
    org = personas.bob.organisation
    common = {"actor": bob_actor, "organisation": org, "id_type": "CPR", "number": CITIZEN_CPR,
              "name": "Mette Hansen"}  # fmt: skip

    services.nemsms_signup(phone=PHONE, **common)
    pending = send_nemsms(sender)
    assert EventTag.NEMSMS_FAILED in tags(pending)  # not confirmed yet

    services.nemsms_confirm(token=outbox_token())
    confirmation_sms = SmsOutbox.objects.count()
    active = send_nemsms(sender)
    assert active.state == MessageState.DELIVERED
    sms = SmsOutbox.objects.order_by("-id").first()
    assert (sms.phone, sms.message_id) == (PHONE, active.pk)
    assert SmsOutbox.objects.count() == confirmation_sms + 1

    services.nemsms_unregister(**common)
    refused = send_nemsms(sender)
    assert refused.state == MessageState.REJECTED
    assert EventTag.NEMSMS_FAILED in tags(refused)
    assert EventTag.NEMSMS_FAILED.label == "NemSMS fejlet"
    assert SmsOutbox.objects.count() == confirmation_sms + 1


def test_during_a_change_of_number_messages_go_to_the_old_number(personas, bob_actor):
    sender, _ = sender_system(personas.alice)
    org = personas.bob.organisation
    common = {"actor": bob_actor, "organisation": org, "id_type": "CPR", "number": CITIZEN_CPR,
              "name": "Mette Hansen"}  # fmt: skip
    services.nemsms_signup(phone=PHONE, **common)
    services.nemsms_confirm(token=outbox_token())
    services.nemsms_phone_change(phone="+4531323334", **common)

    message = send_nemsms(sender)

    assert SmsOutbox.objects.get(message_id=message.pk).phone == PHONE
    services.nemsms_confirm(token=outbox_token("+4531323334"))
    message = send_nemsms(sender)
    assert SmsOutbox.objects.get(message_id=message.pk).phone == "+4531323334"
