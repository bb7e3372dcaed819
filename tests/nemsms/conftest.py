"""Helpers of the NemSMS tests: the link in the outbox, a Borgerservice person in Kommune M."""

import re

import pytest

from adgang.accounts import services as account_services
from adgang.accounts.rights import BORGERSERVICE
from adgang.audit.services import Actor
from adgang.nemsms.models import SmsOutbox

LINK = re.compile(r"https?://\S+/nemsms/bekraeft/([A-Za-z0-9_-]+)/")


def outbox_token(phone: str | None = None) -> str:
    """The token of the latest confirmation SMS (to `phone`, if given)."""
    sms = SmsOutbox.objects.filter(**({"phone": phone} if phone else {})).order_by("-id").first()
    assert sms is not None, "no SMS in the outbox"
    match = LINK.search(sms.text)
    assert match, sms.text
    return match.group(1)


@pytest.fixture
def bob_actor(personas):
    return Actor.of(type("Acting", (), {"membership": personas.bob})())


@pytest.fixture
def maja_borgerservice(personas):
    """Maja of Kommune M, given Borgerservicemedarbejder too (the demo has none there)."""
    membership = personas.maja
    account_services.membership_rights_set(
        membership=membership, rights=[*membership.rights, BORGERSERVICE]
    )
    membership.refresh_from_db()
    return membership
