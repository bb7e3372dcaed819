"""Flyt post through the Django test client (guide §15.3): overview → choice → summary with
the acknowledgement → Start → receipt (+ PDF) → history; every bad input with its Danish
message and nothing saved; rights, kinds and tenant isolation."""

import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from adgang.audit.models import ActionLogEntry, Subject
from adgang.messaging.models import Delivery, MailboxItem
from adgang.movepost import services
from adgang.movepost.models import Destination, MoveState, PostMove
from tests.movepost.movepost_support import (
    platform_post,
    point_make,
    receiver_with_point,
    sender_of,
)

OVERVIEW = reverse("movepost:overview")
NEW = reverse("movepost:new")
SUMMARY = reverse("movepost:summary")
HISTORY = reverse("movepost:history")


@pytest.fixture
def setup(personas):
    organisation = personas.alice.organisation
    sender = sender_of(personas.maja)
    system, point = receiver_with_point(personas.alice)
    return organisation, sender, system, point


def choice(target, **changes) -> dict:
    data = {"scope": "all", "destination": Destination.CHOSEN, "point": str(target.pk)}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def nothing_saved(organisation):
    assert not PostMove.objects.filter(organisation=organisation).exists()
    assert not ActionLogEntry.objects.filter(subject=Subject.FLYT_POST).exists()
    assert not MailboxItem.objects.filter(moved_at__isnull=False).exists()


def test_whole_flow_all_post_to_a_chosen_point(client_as, setup):
    organisation, sender, system, point = setup
    platform_post(sender, organisation, 4)
    client = client_as("alice")

    page = client.get(OVERVIEW)
    assert page.status_code == 200
    assert "Der ligger 4 meddelelser" in page.content.decode()
    assert "Der er ikke oprettet nogen flytninger" in page.content.decode()

    form = client.get(NEW)
    assert f"{point.name} ({point.pk})" in form.content.decode()
    response = client.post(NEW, choice(point))
    assert response.status_code == 302 and response["Location"] == SUMMARY
    summary = client.get(SUMMARY).content.decode()
    assert "Al post (4 meddelelser)" in summary
    assert f"Kontaktpunkt: {point.name} ({point.pk})" in summary

    response = client.post(SUMMARY, {"acknowledged": "on"})
    assert response.status_code == 302
    receipt_url = response["Location"]
    receipt = client.get(receipt_url).content.decode()
    assert "Flytning igangsat" in receipt and "Al post (4 meddelelser)" in receipt
    pdf = client.get(receipt_url + "pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Kvittering for flytning af post" in text and point.name in text

    move = PostMove.objects.get(organisation=organisation)
    history = client.get(HISTORY).content.decode()
    assert "Igangværende" in history and 'data-running="true"' in history
    assert "<noscript>" in client.get(OVERVIEW).content.decode()  # reloads without JS

    services.post_move_run(move.pk)
    history = client.get(HISTORY).content.decode()
    assert "Afsluttet" in history and str(point.pk) in history
    assert "data-running" not in history
    assert Delivery.objects.filter(system=system).count() == 4
    assert "Der ligger 0 meddelelser" in client.get(OVERVIEW).content.decode()


def test_back_keeps_the_choice(client_as, setup):
    _organisation, _sender, _system, point = setup
    client = client_as("alice")
    client.post(
        NEW,
        choice(
            point,
            scope="period",
            start_date="2026-03-02",
            start_time="08:15",
            end_date="2026-03-03",
            end_time="17:45",
        ),
    )
    again = client.get(NEW).content.decode()
    assert 'value="2026-03-02"' in again and 'value="17:45"' in again
    assert f'value="{point.pk}" selected' in again


def test_period_in_danish_time_through_the_pages(client_as, setup):
    organisation, sender, _system, point = setup
    inside = platform_post(
        sender, organisation, 1, placed_at=datetime(2026, 7, 1, 22, 0, tzinfo=UTC)
    )
    # 00:00 Danish summer time on 2 July is 22:00 UTC on 1 July; 23:59 on 2 July is 21:59 UTC.
    platform_post(sender, organisation, 1, placed_at=datetime(2026, 7, 1, 21, 59, 59, tzinfo=UTC))
    last = platform_post(
        sender, organisation, 1, placed_at=datetime(2026, 7, 2, 21, 59, 30, tzinfo=UTC)
    )
    platform_post(sender, organisation, 1, placed_at=datetime(2026, 7, 2, 22, 0, tzinfo=UTC))
    client = client_as("alice")
    client.post(
        NEW,
        choice(
            point,
            scope="period",
            start_date="2026-07-02",
            start_time="00:00",
            end_date="2026-07-02",
            end_time="23:59",
        ),
    )
    summary = client.get(SUMMARY).content.decode()
    assert "Post fra 02/07/2026 00:00 til 02/07/2026 23:59 (2 meddelelser)" in summary
    client.post(SUMMARY, {"acknowledged": "on"})
    move = PostMove.objects.get()
    services.post_move_run(move.pk)
    moved = set(MailboxItem.objects.filter(moved_at__isnull=False).values_list("pk", flat=True))
    assert moved == {inside[0].pk, last[0].pk}


def test_failover_through_the_pages(client_as, setup):
    organisation, sender, failover_system, failover = setup
    marked_system, marked = receiver_with_point_for(organisation)
    to_marked = platform_post(sender, organisation, 1, point=marked)
    to_nothing = platform_post(sender, organisation, 1)
    client = client_as("alice")
    response = client.post(
        NEW, choice(failover, destination=Destination.MARKED, point=None, failover=str(failover.pk))
    )
    assert response.status_code == 302
    summary = client.get(SUMMARY).content.decode()
    assert f"Opmærket destination. Failover: {failover.name} ({failover.pk})" in summary
    client.post(SUMMARY, {"acknowledged": "on"})
    services.post_move_run(PostMove.objects.get().pk)
    assert Delivery.objects.get(message_id=to_marked[0].message_id).system_id == marked_system.pk
    assert Delivery.objects.get(message_id=to_nothing[0].message_id).system_id == failover_system.pk


def receiver_with_point_for(organisation):
    from adgang.accounts.models import Membership

    membership = Membership.objects.get(organisation=organisation, rid="1001")
    return receiver_with_point(membership, "Byggesag")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {
                "scope": "period",
                "start_date": "2026-03-02",
                "start_time": "10:00",
                "end_date": "2026-03-02",
                "end_time": "09:59",
            },
            "end_date",
            "Sluttidspunktet skal ligge efter starttidspunktet.",
        ),
        ({"scope": "period"}, "start_date", "Angiv en dato."),
        ({"scope": None}, "scope", "Vælg hvilken post, der skal flyttes."),
        ({"destination": None}, "destination", "Vælg postens destination."),
        ({"point": None}, "point", "Vælg et kontaktpunkt."),
        ({"destination": Destination.MARKED}, "failover", "Vælg et failover-kontaktpunkt."),
        ({"point": "not-a-uuid"}, "point", "Kontaktpunktet findes ikke."),
    ],
)
def test_bad_choices_show_the_message_and_keep_the_input(client_as, setup, changes, field, message):
    organisation, _sender, _system, point = setup
    client = client_as("alice")
    response = client.post(NEW, choice(point, **changes))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "Der er problemer med det, du har udfyldt" in response.content.decode()
    if "start_date" in changes:
        assert f'value="{changes["start_date"]}"' in response.content.decode()
    nothing_saved(organisation)


def test_inactive_and_foreign_points_are_refused(client_as, setup, personas):
    organisation, _sender, system, _point = setup
    inactive = point_make(organisation, system, "Lukket", active=False)
    _foreign_system, foreign = receiver_with_point(personas.maja, "Andet sted")
    client = client_as("alice")
    form = client.get(NEW).content.decode()
    assert str(inactive.pk) not in form and str(foreign.pk) not in form
    for point, text in ((inactive, "ikke aktivt"), (foreign, "findes ikke")):
        for changes in ({}, {"destination": Destination.MARKED, "failover": str(point.pk)}):
            response = client.post(NEW, choice(point, **changes))
            field = "failover" if changes else "point"
            assert text in " ".join(response.context["form"].errors[field])
    nothing_saved(organisation)


def test_missing_acknowledgement(client_as, setup):
    organisation, sender, _system, point = setup
    platform_post(sender, organisation, 1)
    client = client_as("alice")
    client.post(NEW, choice(point))
    response = client.post(SUMMARY, {})
    assert response.status_code == 200
    assert "Du skal bekræfte, at du er indforstået" in response.content.decode()
    nothing_saved(organisation)


def test_point_deactivated_between_choice_and_start(client_as, setup):
    organisation, _sender, _system, point = setup
    client = client_as("alice")
    client.post(NEW, choice(point))
    point.active = False
    point.save(update_fields=["active"])
    response = client.post(SUMMARY, {"acknowledged": "on"})
    assert response.status_code == 302 and response["Location"] == NEW
    nothing_saved(organisation)


def test_second_move_while_one_runs(client_as, setup):
    organisation, sender, _system, point = setup
    platform_post(sender, organisation, 2)
    client = client_as("alice")
    client.post(NEW, choice(point))
    client.post(SUMMARY, {"acknowledged": "on"})
    client.post(NEW, choice(point))
    response = client.post(SUMMARY, {"acknowledged": "on"})
    assert response.status_code == 200
    assert "Der er allerede en flytning af post i gang" in response.content.decode()
    assert PostMove.objects.filter(organisation=organisation).count() == 1
    assert ActionLogEntry.objects.filter(subject=Subject.FLYT_POST).count() == 1


@pytest.mark.parametrize("url", [OVERVIEW, NEW, SUMMARY, HISTORY])
@pytest.mark.parametrize("persona", ["bob", "charlie", "birgitte"])
def test_rights_and_kinds(client_as, personas, url, persona):
    # bob: no Systemadministrator right; charlie: no rights; birgitte: Systemadministrator of
    # a company (Flyt post is for authorities only).
    assert client_as(persona).get(url).status_code == 403
    assert client_as(persona).post(url, {}).status_code == 403


def test_receipt_and_history_are_the_organisations_own(client_as, setup, personas):
    organisation, sender, _system, point = setup
    platform_post(sender, organisation, 1)
    alice = client_as("alice")
    alice.post(NEW, choice(point))
    receipt_url = alice.post(SUMMARY, {"acknowledged": "on"})["Location"]
    # Another person (also another organisation) cannot open the receipt kept in Alice's session.
    maja = client_as("maja")
    assert maja.get(receipt_url).status_code == 404
    assert maja.get(receipt_url + "pdf/").status_code == 404
    assert str(point.pk) not in maja.get(HISTORY).content.decode()
    assert "Der er ikke oprettet nogen flytninger" in maja.get(OVERVIEW).content.decode()


def test_summary_without_a_choice_goes_back_to_the_form(client_as, setup):
    assert client_as("alice").get(SUMMARY)["Location"] == NEW


def test_failed_move_shows_the_reason(client_as, setup, monkeypatch):
    organisation, sender, _system, point = setup
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    platform_post(sender, organisation, 2)
    client = client_as("alice")
    client.post(NEW, choice(point))
    client.post(SUMMARY, {"acknowledged": "on"})
    move = PostMove.objects.get()
    services.post_move_batch(move.pk)
    point.active = False
    point.save(update_fields=["active"])
    services.post_move_run(move.pk)
    assert PostMove.objects.get().state == MoveState.FAILED
    history = client.get(HISTORY).content.decode()
    assert "Fejlet" in history and "ikke længere aktivt" in history
