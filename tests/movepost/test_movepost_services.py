"""Flyt post's service (SPEC §12): the rules of a new move, the batches, the failover rule,
the one-at-a-time rule and resuming after a lost worker."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import Actor
from adgang.core.clock import now
from adgang.messaging.events import EventTag
from adgang.messaging.models import Delivery, DeliveryState, MailboxItem, MessageEvent, Route
from adgang.movepost import services
from adgang.movepost.models import Destination, MoveState, PostMove
from adgang.movepost.services import MoveRefused, MoveRequest, post_move_start
from tests.movepost.movepost_support import (
    platform_post,
    point_make,
    receiver_with_point,
    sender_of,
)
from tests.support.systems_core import actor_of


@pytest.fixture
def setup(personas):
    organisation = personas.alice.organisation
    sender = sender_of(personas.maja)
    system, point = receiver_with_point(personas.alice)
    return organisation, sender, system, point


def start(personas, organisation, point, **changes) -> PostMove:
    values = {
        "destination": Destination.CHOSEN,
        "point_id": point.pk,
        "acknowledged": True,
    }
    values.update(changes)
    return post_move_start(
        actor=actor_of(personas.alice), organisation=organisation, request=MoveRequest(**values)
    )


def flyt_post_log(organisation):
    return list(
        ActionLogEntry.objects.filter(organisation=organisation, subject=Subject.FLYT_POST)
        .order_by("occurred_at")
        .values_list("event", "actor", "after")
    )


def test_move_all_post_to_a_chosen_point(personas, setup):
    organisation, sender, system, point = setup
    items = platform_post(sender, organisation, 3)
    move = start(personas, organisation, point)
    assert (move.total, move.moved, move.state) == (3, 0, MoveState.RUNNING)

    assert services.post_move_run(move.pk) == MoveState.FINISHED

    move.refresh_from_db()
    assert (move.moved, move.failed, move.finished_at is not None) == (3, 0, True)
    for item in MailboxItem.objects.filter(pk__in=[i.pk for i in items]):
        assert item.moved_at is not None
        delivery = Delivery.objects.get(message_id=item.message_id)
        assert delivery.system_id == system.pk
        assert delivery.state == DeliveryState.AVAILABLE  # REST PULL: ready at once
        assert delivery.message.route == Route.SYSTEM
    fetched = MessageEvent.objects.filter(organisation=organisation, event=EventTag.FETCHED)
    assert fetched.count() == 3
    assert {event.recipient_system_id for event in fetched} == {system.pk}
    log = flyt_post_log(organisation)
    assert [entry[0] for entry in log] == ["Flytning startet", "Flytning afsluttet"]
    assert log[0][1] == personas.alice.actor_id
    assert "Al post (3)" in log[0][2] and str(point.pk) in log[0][2]
    assert log[1][1] == "System" and log[1][2] == "3 meddelelser flyttet"


def test_only_the_organisations_own_unmoved_post_is_counted_and_moved(personas, setup):
    organisation, sender, _system, point = setup
    platform_post(sender, organisation, 2)
    others = platform_post(sender, personas.maja.organisation, 2)
    already = platform_post(sender, organisation, 1)
    MailboxItem.objects.filter(pk=already[0].pk).update(moved_at=now())
    move = start(personas, organisation, point)
    assert move.total == 2
    services.post_move_run(move.pk)
    assert not MailboxItem.objects.filter(pk__in=[i.pk for i in others], moved_at__isnull=False)
    assert Delivery.objects.count() == 2


def test_post_arriving_after_the_start_is_not_part_of_the_move(personas, setup):
    organisation, sender, _system, point = setup
    platform_post(sender, organisation, 2)
    move = start(personas, organisation, point)
    late = platform_post(sender, organisation, 1, placed_at=now() + timedelta(minutes=5))
    services.post_move_run(move.pk)
    move.refresh_from_db()
    assert move.moved == 2
    assert MailboxItem.objects.get(pk=late[0].pk).moved_at is None


def test_period_includes_both_ends_in_danish_time(personas, setup):
    organisation, sender, _system, point = setup
    # 2 March 2026 in Copenhagen (UTC+1) is [1 March 23:00 UTC, 2 March 23:00 UTC).
    before = platform_post(
        sender, organisation, 1, placed_at=datetime(2026, 3, 1, 22, 59, 59, tzinfo=UTC)
    )
    first = platform_post(
        sender, organisation, 1, placed_at=datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    )
    last = platform_post(
        sender, organisation, 1, placed_at=datetime(2026, 3, 2, 22, 59, 59, 999999, tzinfo=UTC)
    )
    after = platform_post(
        sender, organisation, 1, placed_at=datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    )
    from adgang.movepost.forms import danish_moment

    move = start(
        personas,
        organisation,
        point,
        period_start=danish_moment(datetime(2026, 3, 2).date(), datetime(2026, 3, 2, 0, 0).time()),
        period_end=danish_moment(
            datetime(2026, 3, 2).date(), datetime(2026, 3, 2, 23, 59).time(), last=True
        ),
    )
    assert move.total == 2
    services.post_move_run(move.pk)
    moved = set(MailboxItem.objects.filter(moved_at__isnull=False).values_list("pk", flat=True))
    assert moved == {first[0].pk, last[0].pk}
    assert before[0].pk not in moved and after[0].pk not in moved


def test_marked_destination_uses_each_messages_own_point_else_the_failover(personas, setup):
    organisation, sender, failover_system, failover = setup
    own_system, own_point = receiver_with_point(personas.alice, "Byggesag")
    inactive = point_make(organisation, own_system, "Lukket", active=False)
    detached = point_make(organisation, None, "Uden system")
    to_own = platform_post(sender, organisation, 2, point=own_point)
    to_none = platform_post(sender, organisation, 1)
    to_inactive = platform_post(sender, organisation, 1, point=inactive)
    to_detached = platform_post(sender, organisation, 1, point=detached)
    move = start(personas, organisation, failover, destination=Destination.MARKED)
    services.post_move_run(move.pk)

    def system_of(items):
        return {Delivery.objects.get(message_id=item.message_id).system_id for item in items}

    assert system_of(to_own) == {own_system.pk}
    assert system_of(to_none + to_inactive + to_detached) == {failover_system.pk}
    move.refresh_from_db()
    assert (move.state, move.moved) == (MoveState.FINISHED, 5)


def test_batches_resume_without_moving_twice(personas, setup, monkeypatch):
    organisation, sender, _system, point = setup
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    platform_post(sender, organisation, 5)
    move = start(personas, organisation, point)
    assert services.post_move_batch(move.pk) is False
    move.refresh_from_db()
    assert move.moved == 2
    # The worker "dies" here; after the lease the recovery job enqueues the move once.
    later = now() + services.lease_length() + timedelta(seconds=1)
    assert services.post_moves_recover(at=later) == 1
    assert services.post_moves_recover(at=later) == 0
    services.post_move_run(move.pk)
    services.post_move_run(move.pk)  # a duplicate task changes nothing
    move.refresh_from_db()
    assert (move.state, move.moved, move.total) == (MoveState.FINISHED, 5, 5)
    assert Delivery.objects.count() == 5
    assert MessageEvent.objects.filter(event=EventTag.FETCHED).count() == 5
    assert MailboxItem.objects.filter(owner_id=organisation.cvr, moved_at__isnull=True).count() == 0


def test_a_move_whose_point_became_inactive_fails_and_leaves_the_rest(personas, setup, monkeypatch):
    organisation, sender, _system, point = setup
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    platform_post(sender, organisation, 5)
    move = start(personas, organisation, point)
    services.post_move_batch(move.pk)
    point.active = False
    point.save(update_fields=["active"])
    assert services.post_move_run(move.pk) == MoveState.FAILED
    move.refresh_from_db()
    assert (move.moved, move.failed) == (2, 3)
    assert "ikke længere aktivt" in move.error
    assert MailboxItem.objects.filter(moved_at__isnull=True).count() == 3
    assert flyt_post_log(organisation)[-1][0] == "Flytning fejlet"


def nothing_saved(organisation):
    assert not PostMove.objects.filter(organisation=organisation).exists()
    assert flyt_post_log(organisation) == []


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"acknowledged": False}, "indforstået"),
        ({"point_id": None}, "Vælg et kontaktpunkt"),
        ({"destination": "ELSEWHERE"}, "destination"),
        (
            {
                "period_start": datetime(2026, 3, 2, tzinfo=UTC),
                "period_end": datetime(2026, 3, 1, tzinfo=UTC),
            },
            "Sluttidspunktet skal ligge efter starttidspunktet",
        ),
        (
            {"period_start": datetime(2026, 3, 2, tzinfo=UTC)},
            "både starttidspunkt og sluttidspunkt",
        ),
    ],
)
def test_bad_choices_are_refused_and_nothing_is_saved(personas, setup, changes, text):
    organisation, _sender, _system, point = setup
    with pytest.raises(MoveRefused) as refused:
        start(personas, organisation, point, **changes)
    assert text in str(refused.value.message)
    nothing_saved(organisation)


def test_inactive_and_foreign_points_are_refused(personas, setup):
    organisation, _sender, system, _point = setup
    inactive = point_make(organisation, system, "Lukket", active=False)
    _other_system, foreign = receiver_with_point(personas.maja, "Kommune M's punkt")
    with pytest.raises(MoveRefused, match="ikke aktivt"):
        start(personas, organisation, inactive)
    with pytest.raises(MoveRefused, match="findes ikke"):
        start(personas, organisation, foreign)
    with pytest.raises(MoveRefused, match="findes ikke"):
        start(personas, organisation, foreign, destination=Destination.MARKED)
    nothing_saved(organisation)


def test_a_company_cannot_move_post(personas):
    company = personas.birgitte.organisation
    with pytest.raises(MoveRefused, match="kun for myndigheder"):
        post_move_start(
            actor=actor_of(personas.birgitte),
            organisation=company,
            request=MoveRequest(destination=Destination.CHOSEN, point_id=None, acknowledged=True),
        )
    nothing_saved(company)


def test_only_one_move_at_a_time(personas, setup):
    organisation, sender, _system, point = setup
    platform_post(sender, organisation, 1)
    first = start(personas, organisation, point)
    with pytest.raises(MoveRefused, match="allerede en flytning"):
        start(personas, organisation, point)
    assert list(PostMove.objects.filter(organisation=organisation)) == [first]
    assert len(flyt_post_log(organisation)) == 1
    services.post_move_run(first.pk)
    start(personas, organisation, point)  # after the first has finished: fine


def test_the_database_refuses_a_second_running_move(personas, setup):
    organisation, _sender, _system, point = setup
    start(personas, organisation, point)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostMove.objects.create(
            organisation=organisation,
            cutoff=now(),
            destination=Destination.CHOSEN,
            point_ref=point.pk,
            point_name=point.name,
            actor_display=Actor("x").display,
        )
