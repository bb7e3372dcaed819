"""A system's details page, its "Redigér" forms and actions (SPEC §3 "Details page", §14;
guide §5.2 "Skift primærsystem" and §5.7 "Administration af tilsluttede systemer")."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.utils.html import escape
from pypdf import PdfReader

from adgang.audit.models import ActionLogEntry
from adgang.systems.auth import authenticate_system
from adgang.systems.models import MailSystem, Protocol, SystemTemplate
from adgang.systems.services import Activation
from tests.support.systems_details import field_error, fresh, page, system_make

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
ENDPOINT = "https://post.kommune-a.dk/modtag"
RECEIPT_ENDPOINT = "https://post.kommune-a.dk/kvittering"
LOCKED_WHILE_ACTIVE = "Protokol og aktivering kan ikke ændres, mens systemet er aktivt."


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


def url(system, suffix: str = "") -> str:
    return f"/systemtilslutning/{system.pk}/{suffix}"


def ssh_key(kind: str = "ed25519") -> str:
    if kind == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    return private.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def private_key() -> str:
    private = ed25519.Ed25519PrivateKey.generate()
    return private.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()


def entries_since(seen: set) -> list[ActionLogEntry]:
    """Action log entries written after `seen` (a set of entry ids) was taken."""
    return list(ActionLogEntry.objects.exclude(pk__in=seen).order_by("field"))


def entry_ids() -> set:
    return set(ActionLogEntry.objects.values_list("pk", flat=True))


def snapshot(system) -> tuple:
    """What a refused change must leave untouched: the row (every field) and the log."""
    row = MailSystem.objects.filter(pk=system.pk).values().get()
    return row, ActionLogEntry.objects.count()


def rows_of(response) -> dict[str, str]:
    """Summary row key → its value cell's text."""
    return {
        tr.attrs["data-row"]: tr.find_all("td")[0].text
        for tr in page(response).find_all("tr", data_row=True)
    }


def edit_links(response) -> set[str]:
    """Keys of the rows that offer "Redigér"."""
    return {
        tr.attrs["data-row"]
        for tr in page(response).find_all("tr", data_row=True)
        if any(a.text.startswith("Redigér") for a in tr.find_all("a"))
    }


def messages_of(response) -> str:
    node = page(response).find(data_testid="messages")
    return node.text if node is not None else ""


@pytest.fixture
def idle(personas):
    """Kommune A's receiver REST PULL, never activated: everything may be edited."""
    return system_make(personas.alice, name="Modtager PULL").system


@pytest.fixture
def active(personas):
    """Kommune A's receiver REST PUSH, active since T0 - 1 day."""
    return system_make(
        personas.alice,
        name="Modtager PUSH",
        protocol=Protocol.REST_PUSH,
        endpoint=ENDPOINT,
        activation=Activation.NOW,
        now=T0 - timedelta(days=1),
    ).system


@pytest.fixture
def sftp(personas):
    return system_make(
        personas.alice,
        name="SFTP afsender",
        types=("sender",),
        protocol=Protocol.SFTP,
        ssh_public_key=ssh_key(),
    ).system


@pytest.fixture
def template(personas):
    supplier = personas.sune.organisation
    supplier.is_system_supplier = True
    supplier.save(update_fields=["is_system_supplier"])
    return SystemTemplate.objects.create(
        supplier=supplier,
        name="Leverandør PULL",
        is_sender=True,
        protocol=Protocol.REST_PULL,
        allowed_ips=["203.0.113.5"],
        contact_name="Leverandørens drift",
        contact_email="drift@leverandoer.dk",
        contact_phone="+45 70 10 20 30",
    )


@pytest.fixture
def templated(personas, template):
    return system_make(
        personas.alice,
        name="Via standardsystem",
        types=("sender",),
        template_id=template.pk,
    ).system


# --- Details page -----------------------------------------------------------------------------


def test_details_heading_names_the_system_and_its_type(client_as, idle):
    response = client_as("alice").get(url(idle))
    assert response.status_code == 200
    assert page(response).find(data_testid="system-heading").text == (
        "Modtager PULL - Modtagersystem"
    )
    back = page(response).find("a", class_="back-link")
    assert back.attrs["href"] == "/systemtilslutning/"
    assert back.text == "Tilbage"


def test_details_shows_every_setting(personas, client_as, active):
    rows = rows_of(client_as("alice").get(url(active)))
    assert rows["name"] == "Modtager PUSH"
    assert rows["types"] == "Modtagersystem"
    assert rows["template"] == "Ikke valgt"
    assert rows["id"] == str(active.pk)
    assert rows["cvr"] == personas.alice.organisation.cvr
    assert rows["protocol"] == "REST_PUSH"
    assert rows["ips"] == "192.0.2.10"
    assert rows["endpoint"] == ENDPOINT
    assert rows["delegated_cvr"] == "Ikke valgt"
    assert rows["move_post_from_virk"] == "Ikke valgt"
    assert rows["active_from"] == "01/03/2026, 10:00 CET"
    assert rows["active_to"] == "Ikke valgt"
    assert rows["contact"] == "IT-drift it-drift@kommune.dk +45 33 12 34 56"
    assert "Forny API-key" in rows["api_key"]


def test_details_shows_status_primary_last_use_and_key_date(client_as, active):
    rows = rows_of(client_as("alice").get(url(active)))
    assert rows["state"] == "Aktiv"
    assert rows["is_primary"] == "Ja"
    assert rows["last_used_at"] == "Aldrig"
    assert rows["api_key_issued"] == "01/03/2026, 10:00 CET"


def test_details_shows_when_the_system_was_last_used(client_as, active):
    MailSystem.objects.filter(pk=active.pk).update(last_used_at=T0 - timedelta(hours=2))
    assert rows_of(client_as("alice").get(url(active)))["last_used_at"] == ("02/03/2026, 08:00 CET")


def test_details_offers_download_delete_and_renew(client_as, idle):
    html = page(client_as("alice").get(url(idle)))
    assert html.find("a", data_testid="download").attrs["href"] == url(idle, "pdf/")
    assert html.find("a", data_testid="delete").attrs["href"] == url(idle, "slet/")
    assert html.find("a", data_testid="renew-key").attrs["href"] == url(idle, "forny-api-key/")


@pytest.mark.parametrize(
    ("who", "types", "primary", "offered"),
    [
        ("alice", ("receiver",), False, True),
        ("alice", ("receiver",), True, False),
        ("alice", ("sender",), False, False),
        ("birgitte", ("receiver",), False, False),  # a company has no primary system
    ],
)
def test_details_offers_make_primary_for_an_authoritys_other_receivers(
    personas, client_as, who, types, primary, offered
):
    membership = getattr(personas, who)
    if types == ("receiver",) and not primary and who == "alice":
        system_make(membership, name="Første modtager")  # takes the primary role
    system = system_make(membership, name="Systemet", types=types).system
    assert fresh(system).is_primary is primary
    link = page(client_as(who).get(url(system))).find("a", data_testid="make-primary")
    assert (link is not None) is offered


def test_details_offers_redigér_on_every_group_of_an_inactive_system(client_as, idle):
    assert edit_links(client_as("alice").get(url(idle))) == {
        "name",
        "supplier_name",
        "types",
        "protocol",
        "ips",
        "delegated_cvr",
        "active_from",
        "active_to",
        "contact",
        "extra_email",
    }


def test_details_of_an_active_system_locks_protocol_types_and_activation(client_as, active):
    links = edit_links(client_as("alice").get(url(active)))
    assert {"protocol", "types", "active_from"}.isdisjoint(links)
    assert {"name", "ips", "endpoint", "active_to", "contact"} <= links


def test_details_of_a_templated_system_locks_connection_and_contact(client_as, templated):
    assert edit_links(client_as("alice").get(url(templated))) == {
        "name",
        "active_from",
        "active_to",
        "extra_email",
    }


def test_details_redigér_links_open_the_groups_edit_page(client_as, idle):
    tr = page(client_as("alice").get(url(idle))).find("tr", data_row="ips")
    assert tr.find("a").attrs["href"] == url(idle, "rediger/tilslutning/")


def test_details_of_a_deleted_system_is_not_found(personas, client_as, idle):
    MailSystem.objects.filter(pk=idle.pk).update(deleted_at=T0, is_primary=False)
    assert client_as("alice").get(url(idle)).status_code == 404


def test_details_pdf_holds_the_settings_and_status(client_as, active):
    response = client_as("alice").get(url(active, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="system-{active.pk}.pdf"' in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    for expected in (
        "Modtager PUSH - Modtagersystem",
        str(active.pk),
        "REST_PUSH",
        ENDPOINT,
        "Primærsystem",
        "Sidst brugt",
        "Aldrig",
    ):
        assert expected in text
    assert active.api_key_hash not in text


# --- "Redigér": each group saves and logs field, before and after ----------------------------


EDITS = {
    "system-name": (
        "system",
        {"name": "Nyt navn", "supplier_name": "", "types": ["receiver"]},
        "name",
        "Nyt navn",
        [("Navn", "Modtager PULL", "Nyt navn")],
    ),
    "system-supplier": (
        "system",
        {"name": "Modtager PULL", "supplier_name": "KMD", "types": ["receiver"]},
        "supplier_name",
        "KMD",
        [("Systemleverandør", "", "KMD")],
    ),
    "system-types": (
        "system",
        {"name": "Modtager PULL", "supplier_name": "", "types": ["sender", "receiver"]},
        "is_sender",
        True,
        [("Afsendersystem", "Nej", "Ja")],
    ),
    "tilslutning-ips": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": "192.0.2.20\r\n192.0.2.21"},
        "allowed_ips",
        ["192.0.2.20", "192.0.2.21"],
        [("IP-adresser", "192.0.2.10", "192.0.2.20, 192.0.2.21")],
    ),
    "tilslutning-protocol": (
        "tilslutning",
        {"protocol": "REST_PUSH", "ips": "192.0.2.10", "endpoint": ENDPOINT},
        "protocol",
        "REST_PUSH",
        [("End point", "", ENDPOINT), ("Protokol", "REST PULL", "REST PUSH")],
    ),
    "tilslutning-delegation": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": "192.0.2.10", "delegated_cvr": "31 41 59 26"},
        "delegated_cvr",
        "31415926",
        [("Systemfuldmagt", "", "31415926")],
    ),
    "aktivering-at": (
        "aktivering",
        {"activation": "at", "activate_date": "2026-04-01", "activate_time": "08:00"},
        "active_from",
        datetime(2026, 4, 1, 6, 0, tzinfo=UTC),
        [("Systemet aktiveres fra", "", "2026-04-01 08:00:00+02:00")],
    ),
    "kontakt-extra": (
        "kontakt",
        {
            "contact_name": "IT-drift",
            "contact_email": "it-drift@kommune.dk",
            "contact_phone": "33 12 34 56",
            "extra_email": "vagt@kommune.dk",
        },
        "extra_email",
        "vagt@kommune.dk",
        [("Ekstra kontakte-mail", "", "vagt@kommune.dk")],
    ),
    "kontakt-name": (
        "kontakt",
        {
            "contact_name": "Driftscentret",
            "contact_email": "it-drift@kommune.dk",
            "contact_phone": "+45 33 12 34 56",
        },
        "contact_name",
        "Driftscentret",
        [("Teknisk ansvarlig for systemet", "IT-drift", "Driftscentret")],
    ),
}


@pytest.mark.parametrize(
    ("group", "data", "attribute", "value", "logged"), EDITS.values(), ids=EDITS
)
def test_edit_saves_the_group_and_logs_the_change(
    client_as, idle, group, data, attribute, value, logged
):
    seen = entry_ids()
    response = client_as("alice").post(url(idle, f"rediger/{group}/"), data, follow=True)
    assert response.redirect_chain == [(url(idle), 302)]
    assert "Systemet er ændret." in messages_of(response)
    assert getattr(fresh(idle), attribute) == value
    new = entries_since(seen)
    assert [(e.field, e.before, e.after) for e in new] == logged
    assert {(e.event, e.actor) for e in new} == {("Ændret", "CVR:31415926-RID:1001")}


def test_edit_form_shows_the_current_values(client_as, idle):
    html = page(client_as("alice").get(url(idle, "rediger/tilslutning/")))
    assert html.find("textarea", id="id_ips").text == "192.0.2.10"
    assert "checked" in html.find("input", value="REST_PULL").attrs
    kontakt = page(client_as("alice").get(url(idle, "rediger/kontakt/")))
    assert kontakt.find("input", id="id_contact_email").attrs["value"] == "it-drift@kommune.dk"


def test_edit_without_changes_logs_nothing(client_as, idle):
    before = snapshot(idle)
    response = client_as("alice").post(
        url(idle, "rediger/system/"),
        {"name": "Modtager PULL", "supplier_name": "", "types": ["receiver"]},
        follow=True,
    )
    assert "ingen ændringer" in messages_of(response)
    assert snapshot(idle) == before


def test_edit_of_an_active_system_changes_the_deactivation(client_as, active):
    seen = entry_ids()
    response = client_as("alice").post(
        url(active, "rediger/aktivering/"),
        {"deactivate": "on", "deactivate_date": "2026-12-31", "deactivate_time": "23:59"},
    )
    assert response.status_code == 302
    system = fresh(active)
    assert system.active_to == datetime(2026, 12, 31, 22, 59, tzinfo=UTC)
    assert system.active_from == T0 - timedelta(days=1)
    assert [(e.field, e.before, e.after) for e in entries_since(seen)] == [
        ("Systemet deaktiveres fra", "", "2026-12-31 23:59:00+01:00")
    ]


def test_edit_of_a_deactivated_system_keeps_its_past_activation(personas, client_as):
    """Only a newly chosen activation time must lie ahead; moving the deactivation time of a
    deactivated system into the future activates it again."""
    system = system_make(
        personas.alice,
        name="Deaktiveret",
        activation=Activation.AT,
        active_from=T0 - timedelta(days=9),
        active_to=T0 - timedelta(days=1),
        now=T0 - timedelta(days=10),
    ).system
    response = client_as("alice").post(
        url(system, "rediger/aktivering/"),
        {
            "activation": "at",
            "activate_date": "2026-02-21",
            "activate_time": "10:00",
            "deactivate": "on",
            "deactivate_date": "2026-12-31",
            "deactivate_time": "12:00",
        },
    )
    assert response.status_code == 302
    system = fresh(system)
    assert system.active_from == T0 - timedelta(days=9)
    assert system.active_to == datetime(2026, 12, 31, 11, 0, tzinfo=UTC)
    assert system.is_active_at(T0)


def test_edit_of_an_active_system_changes_its_addresses(client_as, active):
    response = client_as("alice").post(
        url(active, "rediger/tilslutning/"),
        {"ips": "10.20.30.0/24", "endpoint": ENDPOINT},
    )
    assert response.status_code == 302
    assert fresh(active).ip_range == "10.20.30.0/24"
    assert fresh(active).protocol == Protocol.REST_PUSH


def test_edit_of_a_templated_system_keeps_connection_and_contact(client_as, templated):
    response = client_as("alice").post(
        url(templated, "rediger/kontakt/"), {"extra_email": "vagt@kommune.dk"}
    )
    assert response.status_code == 302
    system = fresh(templated)
    assert system.extra_email == "vagt@kommune.dk"
    assert system.contact_email == "drift@leverandoer.dk"


def test_edit_page_of_a_templated_connection_says_it_is_locked(client_as, templated):
    response = client_as("alice").get(url(templated, "rediger/tilslutning/"))
    assert (
        "Tilslutning er præ-udfyldt og låst" in page(response).find(data_testid="locked-alert").text
    )
    assert page(response).find("button", data_testid="save") is None


def test_edit_page_of_an_active_system_shows_the_protocol_disabled(client_as, active):
    html = page(client_as("alice").get(url(active, "rediger/tilslutning/")))
    protocol = html.find("input", value="REST_PUSH")
    assert "disabled" in protocol.attrs and "checked" in protocol.attrs
    assert "Systemet er aktivt" in html.find(data_testid="active-alert").text


@pytest.mark.parametrize("group", ["opsummering", "kvittering", "api", "x"])
def test_edit_of_an_unknown_group_is_not_found(client_as, idle, group):
    assert client_as("alice").get(url(idle, f"rediger/{group}/")).status_code == 404


# --- "Redigér": bad input is refused next to the field, kept, nothing saved ------------------

KONTAKT = {
    "contact_name": "IT-drift",
    "contact_email": "it-drift@kommune.dk",
    "contact_phone": "+45 33 12 34 56",
}
CHOICE_FIELDS = {"types", "protocol", "activation", "deactivate"}
IPS_33 = "\n".join(f"192.0.2.{n}" for n in range(1, 34))
BAD = {
    "name-empty": (
        "system",
        {"name": " ", "types": ["receiver"]},
        "id_name",
        "Giv systemet et navn.",
    ),
    "name-too-long": (
        "system",
        {"name": "x" * 101, "types": ["receiver"]},
        "id_name",
        "Navnet må højst være 100 tegn (du har skrevet 101).",
    ),
    "supplier-too-long": (
        "system",
        {"name": "Modtager PULL", "supplier_name": "y" * 101, "types": ["receiver"]},
        "id_supplier_name",
        "Navnet må højst være 100 tegn.",
    ),
    "no-types": (
        "system",
        {"name": "Modtager PULL"},
        "id_types",
        "Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge.",
    ),
    "33-ips": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": IPS_33},
        "id_ips",
        "Du kan højst angive 32 IP-adresser (du har angivet 33).",
    ),
    "two-ranges": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": "10.0.0.0/24 10.1.0.0/24"},
        "id_ips",
        "Du kan kun angive én IP-range.",
    ),
    "range-and-address": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": "10.0.0.0/24, 192.0.2.1"},
        "id_ips",
        "Angiv enten IP-adresser eller én IP-range, ikke begge dele.",
    ),
    "bad-address": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": "192.0.2.300"},
        "id_ips",
        "»192.0.2.300« er ikke en gyldig IP-adresse.",
    ),
    "bad-range": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": "10.0.0.9-10.0.0.1"},
        "id_ips",
        "skal starte med den laveste adresse",
    ),
    "no-ips": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": ""},
        "id_ips",
        "Angiv mindst én IP-adresse eller én IP-range.",
    ),
    "http-endpoint": (
        "tilslutning",
        {"protocol": "REST_PUSH", "ips": "192.0.2.10", "endpoint": "http://post.kommune-a.dk/"},
        "id_endpoint",
        "End point skal benytte SSL (https-protokol)",
    ),
    "relative-endpoint": (
        "tilslutning",
        {"protocol": "REST_PUSH", "ips": "192.0.2.10", "endpoint": "/modtag"},
        "id_endpoint",
        "End point skal være en fuld adresse, der begynder med https://",
    ),
    "missing-endpoint": (
        "tilslutning",
        {"protocol": "REST_PUSH", "ips": "192.0.2.10"},
        "id_endpoint",
        "Angiv End point.",
    ),
    "bad-supplier-cvr": (
        "tilslutning",
        {"protocol": "REST_PULL", "ips": "192.0.2.10", "delegated_cvr": "12345678"},
        "id_delegated_cvr",
        "CVR-nummeret er ikke gyldigt (kontrolciffer).",
    ),
    "protocol-not-for-type": (
        "tilslutning",
        {"protocol": "SFTP", "ips": "192.0.2.10"},
        "id_protocol",
        "Protokollen kan ikke bruges til denne type system.",
    ),
    "activation-in-the-past": (
        "aktivering",
        {"activation": "at", "activate_date": "2026-03-01", "activate_time": "10:00"},
        "id_activate_date",
        "Aktiveringstidspunktet ligger i fortiden.",
    ),
    "activation-without-date": (
        "aktivering",
        {"activation": "at", "activate_time": "10:00"},
        "id_activate_date",
        "Vælg en dato for aktiveringen.",
    ),
    "deactivation-before-activation": (
        "aktivering",
        {
            "activation": "at",
            "activate_date": "2026-04-01",
            "activate_time": "10:00",
            "deactivate": "on",
            "deactivate_date": "2026-03-31",
            "deactivate_time": "10:00",
        },
        "id_deactivate_date",
        "Deaktiveringstidspunktet skal ligge efter aktiveringstidspunktet.",
    ),
    "deactivation-without-activation": (
        "aktivering",
        {
            "activation": "never",
            "deactivate": "on",
            "deactivate_date": "2026-04-01",
            "deactivate_time": "10:00",
        },
        "id_deactivate",
        "Et deaktiveringstidspunkt kræver, at systemet aktiveres.",
    ),
    "bad-email": (
        "kontakt",
        {**KONTAKT, "contact_email": "it-drift@"},
        "id_contact_email",
        "Indtast en gyldig e-mailadresse",
    ),
    "bad-phone": (
        "kontakt",
        {**KONTAKT, "contact_phone": "12"},
        "id_contact_phone",
        "Telefonnummeret er ikke gyldigt.",
    ),
    "no-contact-name": (
        "kontakt",
        {**KONTAKT, "contact_name": ""},
        "id_contact_name",
        "Angiv navnet på den tekniske kontakt.",
    ),
    "bad-extra-email": (
        "kontakt",
        {**KONTAKT, "extra_email": "vagt at kommune.dk"},
        "id_extra_email",
        "Indtast en gyldig e-mailadresse",
    ),
}


@pytest.mark.parametrize(("group", "data", "field_id", "message"), BAD.values(), ids=BAD)
def test_edit_refuses_bad_input_next_to_the_field(client_as, idle, group, data, field_id, message):
    before = snapshot(idle)
    response = client_as("alice").post(url(idle, f"rediger/{group}/"), data)
    assert response.status_code == 200
    assert message in field_error(response, field_id)
    assert snapshot(idle) == before
    html = response.content.decode()
    for name, value in data.items():
        if name not in CHOICE_FIELDS and value.strip():
            assert escape(value) in html  # what the person typed is kept


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (lambda: "ssh-ed25519 AAAAnotakey", "SSH-nøglen kan ikke læses."),
        (
            lambda: ssh_key("rsa1024"),
            "RSA-nøglen er på 1024 bit. Den skal være på mindst 2048 bit.",
        ),
        (private_key, "Du har indsat en privat nøgle."),
    ],
    ids=["unparsable", "rsa-1024", "private-key"],
)
def test_edit_refuses_a_bad_ssh_key(client_as, sftp, key, message):
    before = snapshot(sftp)
    response = client_as("alice").post(
        url(sftp, "rediger/tilslutning/"),
        {"protocol": "SFTP", "ips": "192.0.2.10", "ssh_public_key": key()},
    )
    assert message in field_error(response, "id_ssh_public_key")
    assert snapshot(sftp) == before


def test_edit_accepts_a_new_ssh_key(client_as, sftp):
    seen = entry_ids()
    key = ssh_key("rsa2048")
    response = client_as("alice").post(
        url(sftp, "rediger/tilslutning/"),
        {"protocol": "SFTP", "ips": "192.0.2.10", "ssh_public_key": key},
    )
    assert response.status_code == 302
    assert fresh(sftp).ssh_public_key == key
    assert [e.field for e in entries_since(seen)] == ["Offentlig SSH-nøgle"]


def test_edit_refuses_a_second_receiver_for_a_company(personas, client_as):
    system_make(personas.birgitte, name="Virksomhedens modtager")
    sender = system_make(personas.birgitte, name="Afsender", types=("sender",)).system
    before = snapshot(sender)
    response = client_as("birgitte").post(
        url(sender, "rediger/system/"), {"name": "Afsender", "types": ["sender", "receiver"]}
    )
    assert "En virksomhed kan kun have ét modtagersystem." in field_error(response, "id_types")
    assert snapshot(sender) == before


def test_edit_refuses_a_type_the_protocol_cannot_serve(client_as, sftp):
    before = snapshot(sftp)
    response = client_as("alice").post(
        url(sftp, "rediger/system/"), {"name": "SFTP afsender", "types": ["receiver"]}
    )
    assert "Protokollen SFTP kan ikke bruges" in field_error(response, "id_types")
    assert snapshot(sftp) == before


# --- Locked while active / by a standard supplier system, even for a crafted POST ------------


def test_crafted_post_cannot_change_the_protocol_of_an_active_system(client_as, active):
    before = snapshot(active)
    response = client_as("alice").post(
        url(active, "rediger/tilslutning/"),
        {"protocol": "REST_PULL", "ips": "192.0.2.10"},
    )
    assert response.status_code == 200
    assert LOCKED_WHILE_ACTIVE in field_error(response, "id_protocol")
    assert snapshot(active) == before


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        (
            {"activation": "at", "activate_date": "2026-06-01", "activate_time": "10:00"},
            "id_activate_date",
            LOCKED_WHILE_ACTIVE,
        ),
        ({"activation": "never"}, "id_activate_date", LOCKED_WHILE_ACTIVE),
        ({"activation": "now"}, "id_activate_date", LOCKED_WHILE_ACTIVE),
        (
            {"activate_date": "2026-06-01", "activate_time": "10:00"},
            "id_activation",
            "Vælg, hvornår systemet skal aktiveres.",
        ),
    ],
    ids=["later", "never", "now", "date-only"],
)
def test_crafted_post_cannot_change_the_activation_of_an_active_system(
    client_as, active, data, field_id, message
):
    before = snapshot(active)
    response = client_as("alice").post(url(active, "rediger/aktivering/"), data)
    assert response.status_code == 200
    assert message in field_error(response, field_id)
    assert snapshot(active) == before


def test_crafted_post_cannot_change_the_types_of_an_active_system(client_as, active):
    before = snapshot(active)
    response = client_as("alice").post(
        url(active, "rediger/system/"),
        {"name": "Modtager PUSH", "types": ["sender", "receiver"]},
    )
    assert LOCKED_WHILE_ACTIVE in field_error(response, "id_types")
    assert snapshot(active) == before


@pytest.mark.parametrize(
    ("group", "data", "field_id"),
    [
        ("kontakt", {**KONTAKT, "extra_email": ""}, "id_contact_name"),
        ("tilslutning", {"ips": "192.0.2.99"}, "id_ips"),
        ("tilslutning", {"delegated_cvr": "31415926"}, "id_delegated_cvr"),
        (
            "system",
            {"name": "Via standardsystem", "supplier_name": "Andet firma"},
            "id_supplier_name",
        ),
    ],
    ids=["contact", "ips", "delegation", "supplier"],
)
def test_crafted_post_cannot_change_what_a_standard_system_defines(
    client_as, templated, group, data, field_id
):
    before = snapshot(templated)
    response = client_as("alice").post(url(templated, f"rediger/{group}/"), data)
    assert response.status_code == 200
    assert "låst" in field_error(response, field_id)
    assert snapshot(templated) == before


# --- Slet ------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(client_as, idle):
    response = client_as("alice").get(url(idle, "slet/"))
    assert response.status_code == 200
    html = page(response)
    assert html.find("h1").text == "Slet system"
    assert html.find("form", data_testid="confirm-form").attrs["method"] == "post"
    assert fresh(idle).deleted_at is None


def test_delete_removes_the_system_and_returns_to_the_overview(client_as, idle):
    seen = entry_ids()
    client = client_as("alice")
    response = client.post(url(idle, "slet/"), follow=True)
    assert response.redirect_chain == [("/systemtilslutning/", 302)]
    assert "Systemet »Modtager PULL« er slettet." in messages_of(response)
    assert fresh(idle).deleted_at is not None
    assert client.get(url(idle)).status_code == 404
    assert [(e.event, e.field, e.after) for e in entries_since(seen)] == [
        ("Slettet", "Status", "Slettet")
    ]


def test_delete_of_a_primary_with_other_receivers_is_refused_on_the_details_page(
    personas, client_as, idle
):
    system_make(personas.alice, name="Anden modtager")
    assert fresh(idle).is_primary
    before = snapshot(idle)
    response = client_as("alice").post(url(idle, "slet/"), follow=True)
    assert response.redirect_chain == [(url(idle), 302)]
    assert "Vælg først et andet primærsystem." in messages_of(response)
    assert snapshot(idle) == before


# --- Vælg som primærsystem --------------------------------------------------------------------


@pytest.fixture
def second_receiver(personas, idle):
    return system_make(personas.alice, name="Ny modtager").system


def test_make_primary_confirm_names_the_current_and_the_new_primary(
    client_as, idle, second_receiver
):
    response = client_as("alice").get(url(second_receiver, "primaersystem/"))
    html = page(response)
    assert html.find("h1").text == "Bekræft dit valg af primærsystem"
    assert "Primærsystemet er det modtagersystem" in response.content.decode()
    assert html.find(data_testid="current-primary").text == "Modtager PULL"
    assert html.find(data_testid="new-primary").text == "Ny modtager"
    assert html.find("button", data_testid="confirm").text == "Bekræft"
    assert "Fortryd" in html.find("form", data_testid="confirm-form").text
    assert not fresh(second_receiver).is_primary


def test_make_primary_swaps_the_primary_and_logs_both(client_as, idle, second_receiver):
    seen = entry_ids()
    response = client_as("alice").post(url(second_receiver, "primaersystem/"), follow=True)
    assert response.redirect_chain == [(url(second_receiver), 302)]
    assert "Systemet er ændret." in messages_of(response)
    assert fresh(second_receiver).is_primary
    assert not fresh(idle).is_primary
    logged = {(e.object_id, e.field, e.before, e.after) for e in entries_since(seen)}
    assert logged == {
        (str(second_receiver.pk), "Primærsystem", "Nej", "Ja"),
        (str(idle.pk), "Primærsystem", "Ja", "Nej"),
    }


def test_make_primary_of_a_sender_is_refused(personas, client_as):
    sender = system_make(personas.alice, name="Afsender", types=("sender",)).system
    before = snapshot(sender)
    response = client_as("alice").post(url(sender, "primaersystem/"), follow=True)
    assert "Kun en myndigheds modtagersystemer kan være primærsystem." in messages_of(response)
    assert snapshot(sender) == before


# --- Forny API-key ---------------------------------------------------------------------------


def test_renew_key_confirm_explains_that_the_old_key_stops(client_as, idle):
    response = client_as("alice").get(url(idle, "forny-api-key/"))
    assert "holder op med at virke med det samme" in response.content.decode()
    assert fresh(idle).api_key_hash == idle.api_key_hash


def test_renew_key_shows_the_new_key_once_and_only_it_works(personas, client_as):
    created = system_make(
        personas.alice,
        name="Ny aktiv",
        types=("sender",),
        activation=Activation.NOW,
        now=T0 - timedelta(hours=1),
    )
    old_key, system = created.api_key, created.system
    assert authenticate_system(old_key, "192.0.2.10", T0)
    client = client_as("alice")
    response = client.post(url(system, "forny-api-key/"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_key = page(response).find(data_testid="api-key").text
    assert new_key.startswith("Basic ") and new_key != old_key
    assert not authenticate_system(old_key, "192.0.2.10", T0)
    assert authenticate_system(new_key, "192.0.2.10", T0).pk == system.pk
    assert new_key not in client.get(url(system)).content.decode()
    assert new_key not in str(dict(client.session))
    assert ActionLogEntry.objects.filter(object_id=str(system.pk), event="API-key fornyet").exists()


# --- Methods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "method"),
    [
        ("", "post"),
        ("pdf/", "post"),
        ("slet/", "put"),
        ("primaersystem/", "delete"),
        ("forny-api-key/", "put"),
        ("rediger/system/", "put"),
    ],
)
def test_views_answer_405_for_other_methods(client_as, idle, suffix, method):
    response = getattr(client_as("alice"), method)(url(idle, suffix))
    assert response.status_code == 405
