"""The NgDP system-fetch resource (SPEC §12, NGDP-API.md):
`POST|GET /apis/v1/mailboxes/{mailboxId}/system-fetches/` calls the page's service."""

import uuid

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.messaging.models import Delivery
from adgang.movepost import services
from adgang.movepost.models import Destination, Origin, PostMove
from tests.movepost.movepost_support import (
    platform_post,
    point_make,
    receiver_with_point,
    sender_of,
)
from tests.support.messaging_api import API, api_client, assert_error, auth_get
from tests.support.messaging_core import Protocol, receiver_system, sender_system


@pytest.fixture
def setup(personas):
    organisation = personas.alice.organisation
    sender = sender_of(personas.maja)
    system, point = receiver_with_point(personas.alice)
    _caller, auth = receiver_system(personas.alice, Protocol.REST_PULL, name="Henter")
    return organisation, sender, system, point, auth


def path(cvr: str) -> str:
    return f"/mailboxes/{cvr}/system-fetches/"


def create(auth, cvr, body):
    return api_client().post(
        f"{API}{path(cvr)}", data=body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def test_start_list_and_finish_a_system_fetch(setup):
    organisation, sender, system, point, auth = setup
    platform_post(sender, organisation, 3)
    response = create(auth, organisation.cvr, {"contactPointId": str(point.pk)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "RUNNING"
    assert (body["totalMessages"], body["fetchedMessages"], body["failedMessages"]) == (3, 0, 0)
    assert body["mailboxId"] == organisation.cvr
    assert body["preferOriginalMessageRecipient"] is False
    move = PostMove.objects.get(pk=body["id"])
    assert move.origin == Origin.API and move.destination == Destination.CHOSEN
    started = ActionLogEntry.objects.get(subject=Subject.FLYT_POST, event="Flytning startet")
    assert started.actor.startswith("System:")

    services.post_move_run(move.pk)
    listed = auth_get(api_client(), auth, path(organisation.cvr)).json()
    assert [(f["id"], f["status"], f["fetchedMessages"]) for f in listed] == [
        (body["id"], "FINISHED", 3)
    ]
    assert Delivery.objects.filter(system=system).count() == 3


def test_prefer_original_recipient_uses_the_point_as_failover(setup, personas):
    organisation, sender, failover_system, failover, auth = setup
    marked_system, marked = receiver_with_point(personas.alice, "Byggesag")
    to_marked = platform_post(sender, organisation, 1, point=marked)
    to_none = platform_post(sender, organisation, 1)
    response = create(
        auth,
        organisation.cvr,
        {"contactPointId": str(failover.pk), "preferOriginalMessageRecipient": True},
    )
    assert response.status_code == 201
    services.post_move_run(response.json()["id"])
    assert Delivery.objects.get(message_id=to_marked[0].message_id).system_id == marked_system.pk
    assert Delivery.objects.get(message_id=to_none[0].message_id).system_id == failover_system.pk


def test_period_filter(setup):
    organisation, sender, _system, point, auth = setup
    from datetime import UTC, datetime

    platform_post(sender, organisation, 1, placed_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    platform_post(sender, organisation, 2, placed_at=datetime(2026, 3, 5, 12, tzinfo=UTC))
    response = create(
        auth,
        organisation.cvr,
        {
            "contactPointId": str(point.pk),
            "fromDateTime": "2026-03-05T00:00:00+01:00",
            "toDateTime": "2026-03-05T23:59:59+01:00",
        },
    )
    assert response.status_code == 201
    assert response.json()["totalMessages"] == 2


def test_refusals(setup, personas):
    organisation, _sender, system, point, auth = setup
    inactive = point_make(organisation, system, "Lukket", active=False)
    _other, foreign = receiver_with_point(personas.maja, "Andet sted")
    cvr = organisation.cvr
    assert_error(
        create(auth, cvr, {"contactPointId": str(inactive.pk)}), 400, "contact.point.not.active"
    )
    assert_error(
        create(auth, cvr, {"contactPointId": str(foreign.pk)}), 400, "contact.point.not.found"
    )
    assert_error(
        create(auth, cvr, {"contactPointId": str(uuid.uuid4())}), 400, "contact.point.not.found"
    )
    assert_error(
        create(
            auth,
            cvr,
            {
                "contactPointId": str(point.pk),
                "fromDateTime": "2026-03-05T00:00:00Z",
                "toDateTime": "2026-03-04T00:00:00Z",
            },
        ),
        400,
        "system.fetch.period.invalid",
    )
    assert create(auth, cvr, {}).status_code == 400
    # Another organisation's mailbox is not the caller's.
    assert_error(
        create(auth, personas.maja.organisation.cvr, {"contactPointId": str(point.pk)}),
        404,
        "mailbox.not.found",
    )
    assert_error(
        auth_get(api_client(), auth, path(personas.maja.organisation.cvr)), 404, "mailbox.not.found"
    )
    assert not PostMove.objects.exists()
    assert not ActionLogEntry.objects.filter(subject=Subject.FLYT_POST).exists()


def test_one_at_a_time(setup):
    organisation, _sender, _system, point, auth = setup
    assert create(auth, organisation.cvr, {"contactPointId": str(point.pk)}).status_code == 201
    assert_error(
        create(auth, organisation.cvr, {"contactPointId": str(point.pk)}),
        409,
        "system.fetch.already.running",
    )
    assert PostMove.objects.count() == 1


def test_only_receiver_systems_of_an_authority(setup, personas):
    organisation, _sender, _system, point, _auth = setup
    _sender_system, sender_auth = sender_system(
        personas.alice, Protocol.REST_PULL, name="Kun afsender"
    )
    assert_error(
        create(sender_auth, organisation.cvr, {"contactPointId": str(point.pk)}),
        403,
        "system.type.not.allowed",
    )
    company_system, company_auth = receiver_system(personas.birgitte, Protocol.REST_PULL)
    company_point = point_make(company_system.organisation, company_system, "Firma")
    assert_error(
        create(
            company_auth, company_system.organisation.cvr, {"contactPointId": str(company_point.pk)}
        ),
        403,
        "organisation.not.authority",
    )
    assert (
        api_client()
        .post(f"{API}{path(organisation.cvr)}", data={}, content_type="application/json")
        .status_code
        == 401
    )
    assert not PostMove.objects.exists()


def test_openapi_lists_the_resource(client):
    document = client.get(f"{API}/openapi.json").json()
    operations = document["paths"]["/apis/v1/mailboxes/{mailboxId}/system-fetches/"]
    assert set(operations) == {"get", "post"}
    assert "CVR" in operations["post"]["description"]
