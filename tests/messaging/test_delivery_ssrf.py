"""SSRF guard of the outbound client (DESIGN "HTTP out", SPEC §14 "no SSRF"): with internal
addresses not allowed, an endpoint that is or resolves to one is refused before any
connection, as a failed attempt with a clear error."""

import pytest

from adgang.messaging import outbound
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.events import EventTag
from adgang.messaging.models import DeliveryState, MessageEvent
from tests.support.messaging_delivery import (
    message_to,
    pull_sender,
    push_receiver,
    running_receiver,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_an_endpoint_on_the_loopback_is_refused_and_never_connected(
    personas, receiver, settings, host
):
    system = push_receiver(personas.maja, receiver.url(host=host))
    message, delivery = message_to(pull_sender(personas), system)
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False

    deliveries_run()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error == (
        f"Adressen {host} peger på en intern adresse (127.0.0.1); der er ikke forbundet."
    )
    event = MessageEvent.objects.get(message=message)
    assert (event.event, event.error_message) == (
        EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED,
        delivery.last_error,
    )
    assert receiver.state.connections == 0


@pytest.mark.parametrize("address", ["10.1.2.3", "169.254.169.254", "192.168.0.1", "100.64.0.1"])
def test_an_endpoint_on_an_internal_network_is_refused(personas, receiver, settings, address):
    system = push_receiver(personas.maja, f"https://{address}/modtag")
    _message, delivery = message_to(pull_sender(personas), system)
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False

    deliveries_run()

    delivery.refresh_from_db()
    assert delivery.last_error == (
        f"Adressen {address} peger på en intern adresse ({address}); der er ikke forbundet."
    )


@pytest.mark.parametrize(
    "address",
    ["::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1", "0.0.0.0"],  # noqa: S104 (refused, not bound)
)
def test_other_internal_addresses_are_refused(settings, address):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False

    with pytest.raises(outbound.Refused, match="intern adresse"):
        outbound.resolve_checked(address, 443)


@pytest.mark.parametrize(
    "address",
    ["64:ff9b::a00:1", "64:ff9b::7f00:1", "2002:a00:1::1", "2002:c0a8:1::1", "::127.0.0.1"],
)
def test_an_ipv6_form_of_an_internal_ipv4_address_is_refused(settings, address):
    """NAT64, 6to4 and IPv4-compatible addresses reach the IPv4 address they carry."""
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False

    with pytest.raises(outbound.Refused, match="intern adresse"):
        outbound.resolve_checked(address, 443)


@pytest.mark.parametrize("address", ["64:ff9b::5db8:d70e", "2002:5db8:d70e::1"])
def test_an_ipv6_form_of_a_public_ipv4_address_passes_the_guard(settings, address):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False

    assert outbound.resolve_checked(address, 443) == address


def test_a_public_address_passes_the_guard(settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False

    assert outbound.resolve_checked("93.184.215.14", 443) == "93.184.215.14"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (
            "http://post.example.dk/modtag",
            "Adressen 'http://post.example.dk/modtag' er ikke en https-adresse.",
        ),
        ("https://post.invalid/modtag", "Værtsnavnet post.invalid kunne ikke slås op"),
    ],
)
def test_only_resolvable_https_urls_are_called(url, error):
    outcome = outbound.post(url, json={})

    assert not outcome.ok
    assert outcome.error.startswith(error)
