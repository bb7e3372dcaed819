"""`manage.py demo`'s Digital Post step (SPEC §15): the demo receiver's system and
credentials, an exempt citizen and NemSMS registrations, and four months of traffic made by
the core's own services and API — once, deterministic, with every event of SPEC §5."""

import uuid
from datetime import timedelta

import pytest

from adgang.accounts.models import Organisation
from adgang.contacts import demo as contacts_demo
from adgang.core.clock import now
from adgang.exemptions import demo as exemptions_demo
from adgang.exemptions.models import Exemption
from adgang.messaging import demo
from adgang.messaging.demo_receiver import credentials_path, credentials_read, credentials_write
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    MailboxItem,
    Message,
    MessageEvent,
    MessageKind,
    MessageState,
    Receipt,
    Route,
)
from adgang.messaging.selectors import EventFilter, events_search
from adgang.nemsms import demo as nemsms_demo
from adgang.nemsms.models import NemSmsRegistration
from adgang.systems import demo as systems_demo
from adgang.systems.auth import authenticate_system
from adgang.systems.models import MailSystem
from tests.core.processes import free_port


def counts() -> dict[str, int]:
    return {
        "messages": Message.objects.count(),
        "events": MessageEvent.objects.count(),
        "deliveries": Delivery.objects.count(),
        "receipts": Receipt.objects.count(),
        "mailbox": MailboxItem.objects.count(),
        "exemptions": Exemption.objects.count(),
        "nemsms": NemSmsRegistration.objects.count(),
        "systems": MailSystem.objects.count(),
    }


@pytest.fixture
def load(personas, settings, tmp_path, monkeypatch):
    """Run the step as `manage.py demo` does (after the systems, contacts, exemptions and
    NemSMS steps, so routing meets an exempt citizen and NemSMS sign-ups), with
    the files it writes going to a temporary VAR_DIR and the demo receiver's endpoint on a
    free port (8443 may be another test run's)."""
    settings.VAR_DIR = tmp_path
    port = free_port()
    monkeypatch.setattr(demo, "RECEIVER_PORT", port)
    monkeypatch.setattr(demo, "RECEIVER_ENDPOINT", f"https://127.0.0.1:{port}/digitalpost/modtag")
    systems_demo.load()
    contacts_demo.load()
    exemptions_demo.load()
    nemsms_demo.load()

    return demo.load


@pytest.fixture
def loaded(load):
    return load()


def test_loading_twice_adds_nothing(load):
    first = load()
    after_first = counts()

    second = load()

    assert first["messages"] > 150
    assert counts() == after_first
    assert second == {
        "receiver": 0,
        "points": 0,
        "messages": 0,
        "recalled": 0,
    }


def test_every_event_of_the_message_log_appears(loaded):
    present = set(MessageEvent.objects.values_list("event", flat=True))

    assert set(EventTag.values) - present == set()


def test_every_event_is_found_by_the_message_log_search_of_its_organisation(loaded):
    """Each event tag, and each event by its own message id, system, CPR/CVR, type and
    direction, through the selector the Hændelseslog reads (SPEC §5)."""
    start, end = now() - timedelta(days=200), now() + timedelta(days=1)
    for tag in EventTag.values:
        event = MessageEvent.objects.filter(event=tag).order_by("id").first()
        organisation = Organisation.objects.get(pk=event.organisation_id)
        search = EventFilter(
            start=start,
            end=end,
            event=tag,
            direction=event.direction,
            kind=event.kind,
            party_id=event.recipient_id or event.sender_id,
            system_id=event.sender_system_id or event.recipient_system_id,
            message_id=uuid.UUID(event.message_uuid) if event.message_uuid else None,
        )

        assert event in events_search(organisation, search), tag


def test_every_route_and_message_type_appears(loaded):
    assert set(Message.objects.values_list("route", flat=True)) >= set(Route.values)
    assert set(Message.objects.values_list("kind", flat=True)) == set(MessageKind.values)


def test_value_dated_post_is_still_held_and_one_was_recalled(loaded):
    held = Message.objects.filter(state=MessageState.HELD)

    assert held.count() >= 2
    assert all(message.deliver_after > now() for message in held)
    assert Message.objects.filter(state=MessageState.RECALLED).count() == 1


def test_a_receiver_that_is_down_shows_every_retry_then_the_failure(loaded):
    failed = Message.objects.get(title="Høring om skoledistrikt")
    tags = list(
        MessageEvent.objects.filter(message=failed)
        .order_by("occurred_at", "id")
        .values_list("event", flat=True)
    )

    # SPEC §3: 12 attempts in 7 days; Kommune M's only receiver is its primary system.
    assert tags.count(EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED) == 12
    assert failed.state == MessageState.FAILED
    assert EventTag.FAILED in tags


def test_the_demo_receivers_credentials_work_from_this_machine(loaded, tmp_path):
    path = credentials_path()
    stored = credentials_read(path)

    system = authenticate_system(stored["api_key"], "127.0.0.1", now())

    assert path.parent == tmp_path
    assert path.stat().st_mode & 0o777 == 0o600
    assert isinstance(system, MailSystem)
    assert (system.name, system.endpoint) == (demo.RECEIVER_NAME, demo.RECEIVER_ENDPOINT)
    assert str(system.pk) == stored["system_id"]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda path: path.unlink(),
        lambda path: credentials_write(
            path, {**credentials_read(path), "api_key": "Basic bm90OmEta2V5"}
        ),
    ],
    ids=["lost", "stale-key"],
)
def test_credentials_without_a_working_key_get_a_new_one(load, spoil):
    load()
    old = credentials_read(credentials_path())
    spoil(credentials_path())

    load()

    new = credentials_read(credentials_path())
    assert new["system_id"] == old["system_id"]
    assert isinstance(authenticate_system(new["api_key"], "127.0.0.1", now()), MailSystem)
    assert not authenticate_system(old["api_key"], "127.0.0.1", now())
