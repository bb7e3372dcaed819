"""SSRF against every outbound URL (issue 10; ASVS 5.2.6, 12.6.1; DESIGN "HTTP out").

Two layers, each tested for every URL a person or a system can store:

1. **Input.** The form, page or API that stores the URL refuses hostile ones with the Danish
   message next to the field, and nothing is saved. `systems.validation.validate_https_url`
   (endpoints, receipt endpoints, notification URLs, contact-point links) refuses what is an
   internal address *as written* (IP literals, `localhost`, embedded IPv4); it does not
   resolve names — a name that resolves to an internal address is the outbound layer's to
   refuse, at call time, which is also the only place DNS rebinding can be caught. The
   privacy link (`authorityinfo.validation.privacy_link_clean`) is never fetched and refuses
   every IP literal and `localhost` outright.
2. **Outbound.** `adgang.messaging.outbound.post`, the only client that calls a stored URL,
   answers a failed `Outcome` with the Danish reason and opens no connection: sockets and the
   httpx transport are watched, names are answered by a fake resolver (no real DNS).

`FIELDS` names every stored URL; `test_every_url_field_is_covered` fails when a model gains a
URL-like field the list does not cover, and `test_only_the_outbound_client_calls_out` when
code other than the known modules starts making HTTP calls.
"""

from __future__ import annotations

import ast
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.apps import apps
from django.db import models

from adgang.authorityinfo.models import AuthorityInfo
from adgang.contacts.services import ContactRuleError, point_create
from adgang.messaging import outbound
from adgang.messaging.models import Subscription
from adgang.systems.models import MailSystem, Protocol, SystemTemplate
from adgang.systems.services import SystemRuleError
from adgang.systems.validation import validate_https_url
from tests.support.contacts_factories import point_spec, snapshot
from tests.support.messaging_api import API, api_client
from tests.support.messaging_core import receiver_system
from tests.support.systems_core import actor_of
from tests.support.systems_details import field_error, system_make

ROOT = Path(__file__).resolve().parents[2]

# -- the hostile URLs ----------------------------------------------------------------------

PUBLIC = "93.184.215.14"
INTERNAL_NAME = "intern.kommune-a.dk"  # the fake resolver answers 10.0.0.5
REBINDING_NAME = "skifter.kommune-a.dk"  # first a public answer, then 127.0.0.1

NOT_HTTPS = "skal benytte SSL (https-protokol)"
NOT_ABSOLUTE = "skal være en fuld adresse, der begynder med https://"
INTERNAL = "må ikke pege på en intern adresse (fx localhost eller 10.x.x.x)."
CREDENTIALS = "må ikke indeholde brugernavn eller adgangskode."

LINK_SCHEME = "Linket skal starte med https://"
LINK_HOST = "Linket skal indeholde et gyldigt domænenavn"
LINK_USERINFO = "Linket må ikke indeholde et brugernavn eller tegnet @ før domænet"

OUT_NOT_HTTPS = "er ikke en https-adresse."
OUT_INTERNAL = "peger på en intern adresse"


@dataclass(frozen=True)
class Hostile:
    url: str
    input_message: str  # validate_https_url's refusal (after the field's name)
    link_message: str  # privacy_link_clean's refusal
    outbound_message: str  # the Outcome's error


HOSTILE = {
    "http": Hostile("http://post.kommune-a.dk/modtag", NOT_HTTPS, LINK_SCHEME, OUT_NOT_HTTPS),
    "file": Hostile("file:///etc/passwd", NOT_ABSOLUTE, LINK_SCHEME, OUT_NOT_HTTPS),
    "gopher": Hostile("gopher://127.0.0.1:25/_HELO", NOT_HTTPS, LINK_SCHEME, OUT_NOT_HTTPS),
    "loopback": Hostile("https://127.0.0.1/", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "loopback-port": Hostile("https://127.0.0.1:8443/modtag", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "loopback-v6": Hostile("https://[::1]/", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "private": Hostile("https://10.0.0.1/", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "metadata": Hostile(
        "https://169.254.169.254/latest/meta-data/", INTERNAL, LINK_HOST, OUT_INTERNAL
    ),
    "localhost": Hostile("https://localhost/", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "localhost-dot": Hostile("https://localhost./", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "hex": Hostile("https://0x7f000001/", NOT_ABSOLUTE, LINK_HOST, OUT_INTERNAL),
    "decimal": Hostile("https://2130706433/", NOT_ABSOLUTE, LINK_HOST, OUT_INTERNAL),
    "short": Hostile("https://127.1/", NOT_ABSOLUTE, LINK_HOST, OUT_INTERNAL),
    "mapped-v6": Hostile("https://[::ffff:127.0.0.1]/", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "userinfo": Hostile("https://a@127.0.0.1/", CREDENTIALS, LINK_USERINFO, OUT_INTERNAL),
    # IPv6 forms that carry an internal IPv4 address inside (NAT64, 6to4, IPv4-compatible):
    # a NAT64 gateway or 6to4 relay would forward them to it.
    "nat64": Hostile("https://[64:ff9b::a00:1]/", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "6to4": Hostile("https://[2002:a00:1::1]/", INTERNAL, LINK_HOST, OUT_INTERNAL),
    "v4-compatible": Hostile("https://[::127.0.0.1]/", INTERNAL, LINK_HOST, OUT_INTERNAL),
}


# -- the watched network -------------------------------------------------------------------


class Network:
    """A fake resolver plus a record of every connection attempt (none is let through)."""

    def __init__(self) -> None:
        self.lookups: list[str] = []
        self.connects: list[object] = []
        self.rebinding_answers = [PUBLIC]  # then 127.0.0.1 for ever

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        name = str(host).lower().rstrip(".")
        if name == "localhost":
            answers = ["127.0.0.1", "::1"]
        elif name == INTERNAL_NAME:
            answers = ["10.0.0.5"]
        elif name == REBINDING_NAME:
            answers = [self.rebinding_answers.pop(0) if self.rebinding_answers else "127.0.0.1"]
        else:  # numeric forms (127.1, 0x7f000001 …) as the C library reads them; no real DNS
            return _real_getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=_NUMERIC)
        return [_info(answer, port) for answer in answers]

    def refuse(self, *args, **kwargs):
        self.connects.append(args[1:] if args and isinstance(args[0], socket.socket) else args)
        raise ConnectionRefusedError("the test lets no connection through")

    def transport(self, transport, request):
        self.connects.append(str(request.url))
        raise httpx.ConnectError("the test lets no connection through", request=request)


_real_getaddrinfo = socket.getaddrinfo
_NUMERIC = socket.AI_NUMERICHOST


def _info(address: str, port):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sockaddr = (address, int(port or 443), 0, 0) if family == socket.AF_INET6 else (address, port)
    return (family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)


def _watch(monkeypatch, *, transport: bool) -> Network:
    watched = Network()
    monkeypatch.setattr(socket, "getaddrinfo", watched.getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", watched.refuse)
    monkeypatch.setattr(socket.socket, "connect", watched.refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", watched.refuse)
    if transport:
        monkeypatch.setattr(httpx.HTTPTransport, "handle_request", watched.transport)
    return watched


@pytest.fixture
def network(monkeypatch):
    """No DNS, no socket connect and no httpx transport call gets through; all are recorded."""
    return _watch(monkeypatch, transport=True)


@pytest.fixture
def sockets_only(monkeypatch):
    """The httpx transport runs for real; DNS and socket connects are faked and recorded."""
    return _watch(monkeypatch, transport=False)


@pytest.fixture
def production(settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False
    return settings


# -- the stored URLs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One stored URL: how a person or system stores it, and whether the server calls it."""

    model: str  # "app_label.Model.field"
    fetched: bool  # called through outbound.post (else only shown as a link)
    store: Callable  # (context, url) -> the Danish message shown next to the field
    link_rule: bool = False  # refused by privacy_link_clean rather than validate_https_url


def _system_edit(ctx, url: str, *, types: tuple[str, ...], data: dict, field_id: str) -> str:
    system = system_make(ctx.personas.alice, name="SSRF", types=types).system
    before = MailSystem.objects.filter(pk=system.pk).values().get()
    response = ctx.client_as("alice").post(
        f"/systemtilslutning/{system.pk}/rediger/tilslutning/", {**data, field_id[3:]: url}
    )
    assert response.status_code == 200
    assert MailSystem.objects.filter(pk=system.pk).values().get() == before
    return field_error(response, field_id)


def store_system_endpoint(ctx, url: str) -> str:
    """The details page's "Redigér" of Tilslutning (the wizard's ConnectionForm)."""
    data = {"protocol": Protocol.REST_PUBLISH_SUBSCRIBE, "ips": "192.0.2.10"}
    return _system_edit(ctx, url, types=("receiver",), data=data, field_id="id_endpoint")


def store_system_receipt_endpoint(ctx, url: str) -> str:
    data = {"protocol": Protocol.REST_PUSH, "ips": "192.0.2.10"}
    return _system_edit(ctx, url, types=("sender",), data=data, field_id="id_receipt_endpoint")


def store_system_endpoint_by_service(ctx, url: str) -> str:
    """The service every path ends in (wizard, `manage.py system add`): nothing is created."""
    count = MailSystem.objects.count()
    with pytest.raises(SystemRuleError) as refused:
        system_make(
            ctx.personas.alice,
            name="SSRF",
            types=("sender", "receiver"),
            protocol=Protocol.REST_PUSH,
            endpoint=url,
            receipt_endpoint="https://post.kommune-a.dk/kvittering",
        )
    assert refused.value.field == "endpoint"
    assert MailSystem.objects.count() == count
    return refused.value.message


TEMPLATE = {
    "name": "S-Post SSRF",
    "description": "Afsend og modtag",
    "types": ["sender", "receiver"],
    "protocol": "REST_PUSH",
    "ips": "192.0.2.10",
    "endpoint": "https://post.leverandoer-s.example/v1/ind",
    "receipt_endpoint": "https://post.leverandoer-s.example/v1/kvittering",
    "contact_name": "Leverandør S Drift",
    "contact_email": "drift@leverandoer-s.example",
    "contact_phone": "+45 70 20 30 40",
}


def _template_create(ctx, url: str, name: str) -> str:
    before = list(SystemTemplate.objects.values_list())
    response = ctx.client_as("sune").post(
        "/systemtilslutning/standardsystemer/opret/", {**TEMPLATE, name: url}
    )
    assert response.status_code == 400
    assert list(SystemTemplate.objects.values_list()) == before
    return field_error(response, f"id_{name}")


def store_template_endpoint(ctx, url: str) -> str:
    return _template_create(ctx, url, "endpoint")


def store_template_receipt_endpoint(ctx, url: str) -> str:
    return _template_create(ctx, url, "receipt_endpoint")


def store_subscription(ctx, url: str) -> str:
    """POST /apis/v1/organisations/subscriptions/ (REST PUBLISH/SUBSCRIBE, NGDP-API.md)."""
    response = api_client().post(
        f"{API}/organisations/subscriptions/",
        data={"notificationUrl": url},
        content_type="application/json",
        HTTP_AUTHORIZATION=ctx.subscriber_auth,
    )
    assert response.status_code == 400, response.content
    assert not Subscription.objects.exists()
    (error,) = response.json()["fieldErrors"]
    assert error["field"] == "notificationUrl"
    return error["message"]


def store_contact_point_link(ctx, url: str) -> str:
    """The contact point's link (shown to citizens, never fetched; same rule as endpoints)."""
    organisation = ctx.personas.alice.organisation
    before = snapshot(organisation)
    spec = point_spec(link_headline="Selvbetjening", link_text="Gå", link_url=url)
    with pytest.raises(ContactRuleError) as refused:
        point_create(actor=actor_of(ctx.personas.alice), organisation=organisation, spec=spec)
    assert refused.value.field == "link_url"
    assert snapshot(organisation) == before
    return refused.value.message


def store_privacy_link(ctx, url: str) -> str:
    response = ctx.client_as("alice").post(
        "/myndighedsinformation/link/", {"link": url, "action": "gem"}
    )
    assert response.status_code == 200
    assert not AuthorityInfo.objects.exclude(privacy_link="").exists()
    return field_error(response, "id_link")


FIELDS = {
    "systems.MailSystem.endpoint": Field(
        "systems.MailSystem.endpoint", True, store_system_endpoint
    ),
    "systems.MailSystem.endpoint (service)": Field(
        "systems.MailSystem.endpoint", True, store_system_endpoint_by_service
    ),
    "systems.MailSystem.receipt_endpoint": Field(
        "systems.MailSystem.receipt_endpoint", True, store_system_receipt_endpoint
    ),
    "systems.SystemTemplate.endpoint": Field(
        "systems.SystemTemplate.endpoint", True, store_template_endpoint
    ),
    "systems.SystemTemplate.receipt_endpoint": Field(
        "systems.SystemTemplate.receipt_endpoint", True, store_template_receipt_endpoint
    ),
    "messaging.Subscription.notification_url": Field(
        "messaging.Subscription.notification_url", True, store_subscription
    ),
    "contacts.ContactPoint.link_url": Field(
        "contacts.ContactPoint.link_url", False, store_contact_point_link
    ),
    "authorityinfo.AuthorityInfo.privacy_link": Field(
        "authorityinfo.AuthorityInfo.privacy_link", False, store_privacy_link, link_rule=True
    ),
}
# URL-like fields that nobody stores a URL in to be called or linked.
NOT_STORED_URLS = {
    "messaging.MessageEvent.endpoint": "a copy of the system's endpoint at the time, for the log",
    "contacts.ContactPoint.link_headline": "text shown above the link",
    "contacts.ContactPoint.link_description": "text shown with the link",
    "contacts.ContactPoint.link_text": "the link's text",
}


@dataclass
class Context:
    personas: object
    client_as: Callable
    subscriber_auth: str


@pytest.fixture
def ctx(personas, client_as):
    _system, auth = receiver_system(personas.alice, Protocol.REST_PUBLISH_SUBSCRIBE)
    return Context(personas, client_as, auth)


# -- layer 1: input ------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE)
@pytest.mark.parametrize("field", FIELDS.values(), ids=FIELDS)
def test_the_input_layer_refuses_a_hostile_url_next_to_the_field_and_saves_nothing(
    ctx, production, network, field, hostile
):
    message = field.store(ctx, hostile.url)

    expected = hostile.link_message if field.link_rule else hostile.input_message
    assert expected in message, message
    assert network.connects == []  # storing never calls the URL


@pytest.mark.parametrize("name", [INTERNAL_NAME, REBINDING_NAME])
def test_a_host_name_is_not_resolved_at_input(ctx, production, network, name):
    """By design (validate_https_url's docstring): the answer may change; outbound decides."""
    url = f"https://{name}/modtag"
    created = system_make(
        ctx.personas.alice,
        name="Navn",
        types=("receiver",),
        protocol=Protocol.REST_PUBLISH_SUBSCRIBE,
        endpoint=url,
    )
    assert created.system.endpoint == url
    assert network.lookups == [] and network.connects == []


# -- layer 2: outbound ---------------------------------------------------------------------


def _outbound_cases():
    for key, hostile in HOSTILE.items():
        yield pytest.param(hostile, id=key)


@pytest.mark.parametrize("hostile", list(_outbound_cases()))
def test_outbound_refuses_a_hostile_url_without_connecting(production, network, hostile):
    outcome = outbound.post(hostile.url, json={"ping": 1})

    assert network.connects == []
    assert not outcome.ok and outcome.status is None
    assert hostile.outbound_message in outcome.error, outcome.error


def test_outbound_refuses_a_name_that_resolves_to_an_internal_address(production, network):
    outcome = outbound.post(f"https://{INTERNAL_NAME}/modtag", json={})

    assert network.connects == []
    assert outcome.error == (
        f"Adressen {INTERNAL_NAME} peger på en intern adresse (10.0.0.5); der er ikke forbundet."
    )


def test_outbound_refuses_a_name_with_any_internal_answer(production, network, monkeypatch):
    monkeypatch.setattr(
        network,
        "getaddrinfo",
        lambda host, port, *a, **k: [_info(PUBLIC, port), _info("127.0.0.1", port)],
    )
    monkeypatch.setattr(socket, "getaddrinfo", network.getaddrinfo)
    outcome = outbound.post("https://blandet.kommune-a.dk/", json={})

    assert network.connects == []
    assert OUT_INTERNAL in outcome.error and "127.0.0.1" in outcome.error


def test_dns_rebinding_cannot_redirect_the_call_to_an_internal_address(production, sockets_only):
    """First answer public, every later one 127.0.0.1: the call goes only to the address that
    was checked (no second lookup by the HTTP stack), and the next call is refused."""
    network = sockets_only
    url = f"https://{REBINDING_NAME}/modtag"

    first = outbound.post(url, json={})

    assert network.lookups == [REBINDING_NAME]  # resolved once, by the guard
    assert network.connects, "the checked call should have tried its (public) address"
    for attempt in network.connects:
        assert PUBLIC in str(attempt) and "127.0.0.1" not in str(attempt)
    assert not first.ok and first.error.startswith("Forbindelsen til systemet fejlede")

    attempts = len(network.connects)
    second = outbound.post(url, json={})

    assert len(network.connects) == attempts  # no new connection
    assert second.error == (
        f"Adressen {REBINDING_NAME} peger på en intern adresse (127.0.0.1); der er ikke forbundet."
    )


# -- the lists are complete ----------------------------------------------------------------

_URL_NAME = ("url", "link", "endpoint", "uri", "href")


def test_every_url_field_is_covered():
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("adgang."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field):
                continue
            url_like = isinstance(field, models.URLField) or (
                isinstance(field, (models.CharField, models.TextField))
                and any(part in field.name for part in _URL_NAME)
            )
            if url_like:
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    covered = {field.model for field in FIELDS.values()} | set(NOT_STORED_URLS)
    assert found - covered == set(), "a stored URL without SSRF cases: add it to FIELDS"
    assert covered - found == set(), "FIELDS names a field that no longer exists"


def test_every_fetched_field_goes_through_outbound_post():
    """The callers of outbound.post are exactly the deliveries (endpoint, notification URL) and
    the receipt pushes (receipt endpoint); a new caller must add its field to FIELDS."""
    callers = {}
    for path in sorted((ROOT / "adgang").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "post"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "outbound"
            ):
                callers.setdefault(path.relative_to(ROOT).as_posix(), []).append(
                    ast.unparse(node.args[0])
                )
    assert callers == {
        "adgang/messaging/delivery.py": [
            "delivery.system.endpoint",
            "subscription.notification_url",
        ],
        "adgang/messaging/receipts_push.py": ["endpoint"],
    }
    fetched = {field.model for field in FIELDS.values() if field.fetched}
    assert fetched == {
        "systems.MailSystem.endpoint",
        "systems.MailSystem.receipt_endpoint",
        "systems.SystemTemplate.endpoint",  # copied into the systems made from it
        "systems.SystemTemplate.receipt_endpoint",
        "messaging.Subscription.notification_url",
    }


# Modules that may open HTTP connections themselves, and why that is not an SSRF path.
HTTP_CLIENTS = {
    "adgang/messaging/outbound.py": "the guarded client itself",
    "adgang/registers/http.py": "the CPR/CVR register at the operator's configured base URL",
    "adgang/messaging/demo_receiver.py": "the demo receiver's receipts to the local portal",
    "adgang/accounts/oidc.py": "the OpenID provider's endpoints from the operator's settings",
}


def test_only_the_outbound_client_calls_out():
    users = set()
    for path in sorted((ROOT / "adgang").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/bench" in relative or relative.endswith("bench.py"):
            continue  # `manage.py bench` drives its own local servers
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(
                name.split(".")[0] in {"httpx", "httpcore", "requests", "urllib3", "aiohttp"}
                or name in {"urllib.request", "http.client", "ftplib", "smtplib"}
                for name in names
            ):
                users.add(relative)
    assert users <= set(HTTP_CLIENTS), users - set(HTTP_CLIENTS)


@pytest.mark.parametrize(
    "url",
    [
        f"https://{PUBLIC}/modtag",
        "https://[2a00:1450:4001::1]/modtag",
        "https://[64:ff9b::5db8:d70e]/modtag",  # NAT64 of a public IPv4 address
        "https://[2002:5db8:d70e::1]/modtag",  # 6to4 of a public IPv4 address
    ],
)
def test_public_address_literals_are_still_accepted_at_input(production, url):
    assert validate_https_url(url, what="End point") == url
