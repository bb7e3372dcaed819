"""`manage.py system add` / `system list` (SPEC §15): the wizard's rules on the command line.

Every refusal names the field and the option, carries the wizard's Danish message, exits
non-zero (CommandError) and saves nothing.
"""

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.core.management import call_command
from django.core.management.base import CommandError

from adgang.audit.models import ActionLogEntry, Subject
from adgang.core.clock import now
from adgang.systems.auth import authenticate_system
from adgang.systems.models import MailSystem, Protocol, SystemState

KOMMUNE_A = "31415926"
VIRKSOMHED_B = "16180335"
ALLOWED_IP = "192.0.2.10"
ENDPOINT = "https://post.kommune-a.example/modtag"
RECEIPT_ENDPOINT = "https://post.kommune-a.example/kvittering"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")

CONTACT = [
    "--contact-name",
    "IT-drift",
    "--contact-email",
    "it-drift@kommune-a.dk",
    "--contact-phone",
    "33 12 34 56",
]


def args(*, cvr=KOMMUNE_A, name="Sagssystem", types="sender", protocol="REST_PULL", **extra):
    """`system add` arguments for a valid system, with options replaced or added."""
    options = {
        "--cvr": cvr,
        "--name": name,
        "--types": types,
        "--protocol": protocol,
        "--ips": ALLOWED_IP,
    }
    options.update({f"--{k.replace('_', '-')}": v for k, v in extra.items()})
    flat = ["add"]
    for option, value in options.items():
        if value is not None:
            flat += [option, value]
    contact = dict(zip(CONTACT[::2], CONTACT[1::2], strict=True))
    for option, value in contact.items():
        if option not in options:
            flat += [option, value]
    return flat


def run(*arguments) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("system", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def saved() -> tuple[int, int]:
    return MailSystem.objects.count(), ActionLogEntry.objects.filter(subject=Subject.SYSTEM).count()


def public_key(key) -> str:
    return key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def key_file(tmp_path, text: str | bytes) -> str:
    path = tmp_path / "key.pub"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def test_add_prints_one_line_of_json_with_a_working_api_key(personas):
    out, _err = run(*args(protocol="REST_PUSH", receipt_endpoint=RECEIPT_ENDPOINT))
    lines = out.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == {"id", "api_key"}
    assert result["api_key"].startswith("Basic ")
    system = MailSystem.objects.get(pk=result["id"])
    assert system.organisation == personas.alice.organisation
    assert (system.name, system.protocol, system.is_sender) == ("Sagssystem", "REST_PUSH", True)
    assert system.receipt_endpoint == RECEIPT_ENDPOINT
    assert system.contact_phone == "+45 33 12 34 56"
    assert authenticate_system(result["api_key"], ALLOWED_IP, now()) == system
    assert not authenticate_system(result["api_key"], "198.51.100.7", now())


def test_add_logs_the_operator_as_actor(personas):
    result = json.loads(run(*args())[0])
    entries = ActionLogEntry.objects.filter(subject=Subject.SYSTEM, object_id=result["id"])
    assert entries.exists()
    assert {e.actor for e in entries} == {"Kommandolinje"}
    assert {e.organisation_id for e in entries} == {personas.alice.organisation_id}


@pytest.mark.parametrize(
    ("types", "protocol", "extra"),
    [
        ("receiver", "REST_PUSH", {"endpoint": ENDPOINT}),
        ("receiver", "REST_PULL", {}),
        ("receiver", "REST_PUBLISH_SUBSCRIBE", {"endpoint": ENDPOINT}),
        ("sender", "REST_PUSH", {"receipt_endpoint": RECEIPT_ENDPOINT}),
        ("sender", "REST_PULL", {}),
        ("sender", "SFTP", {"ssh_key_file": "ED25519"}),
        (
            "sender,receiver",
            "REST_PUSH",
            {"endpoint": ENDPOINT, "receipt_endpoint": RECEIPT_ENDPOINT},
        ),
        ("sender,receiver", "REST_PULL", {}),
    ],
)
def test_add_creates_every_combination_of_the_table(personas, tmp_path, types, protocol, extra):
    if "ssh_key_file" in extra:
        extra = {
            "ssh_key_file": key_file(tmp_path, public_key(ed25519.Ed25519PrivateKey.generate()))
        }
    result = json.loads(run(*args(types=types, protocol=protocol, **extra))[0])
    system = MailSystem.objects.get(pk=result["id"])
    assert system.protocol == protocol
    assert (system.is_sender, system.is_receiver) == ("sender" in types, "receiver" in types)


def test_add_first_authority_receiver_becomes_primary(personas):
    result = json.loads(run(*args(types="receiver"))[0])
    assert MailSystem.objects.get(pk=result["id"]).is_primary


def test_add_reads_an_ecdsa_key_file(personas, tmp_path):
    key = public_key(ec.generate_private_key(ec.SECP256R1()))
    result = json.loads(run(*args(protocol="SFTP", ssh_key_file=key_file(tmp_path, key + "\n")))[0])
    assert MailSystem.objects.get(pk=result["id"]).ssh_public_key == key


def test_activate_time_without_zone_is_danish_time(personas):
    out, err = run(*args(activate="2030-06-01T08:00"))
    system = MailSystem.objects.get(pk=json.loads(out)["id"])
    assert system.active_from == datetime(2030, 6, 1, 8, 0, tzinfo=COPENHAGEN)
    assert system.state == SystemState.AWAITING
    assert "Bemærk: Systemet aktiveres først 01/06/2030, 08:00 CEST." in err


def test_activate_time_with_zone_is_kept(personas):
    out, _err = run(*args(activate="2030-01-15T07:30:00+00:00"))
    system = MailSystem.objects.get(pk=json.loads(out)["id"])
    assert system.active_from == datetime(2030, 1, 15, 8, 30, tzinfo=COPENHAGEN)


def test_activate_never_leaves_the_system_not_activated(personas):
    out, _err = run(*args(activate="never"))
    system = MailSystem.objects.get(pk=json.loads(out)["id"])
    assert (system.active_from, system.state) == (None, SystemState.NOT_ACTIVATED)


def test_option_the_protocol_does_not_use_is_ignored_with_a_note(personas):
    out, err = run(*args(endpoint=ENDPOINT))
    assert MailSystem.objects.get(pk=json.loads(out)["id"]).endpoint == ""
    assert "Bemærk: --endpoint bruges ikke af denne protokol og er ignoreret." in err


TOO_MANY = ",".join(f"192.0.2.{i}" for i in range(1, 34))
NOT_HTTPS = (
    "Angiv end point (--endpoint): End point skal benytte SSL (https-protokol), fx "
    "https://post.eksempel.dk/modtag."
)
REFUSALS = [
    (
        "33-ips",
        {"ips": TOO_MANY},
        "IP-adresser (--ips): Du kan højst angive 32 IP-adresser (du har angivet 33).",
    ),
    (
        "two-ranges",
        {"ips": "192.0.2.0/28,198.51.100.0/28"},
        "IP-adresser (--ips): Du kan kun angive én IP-range.",
    ),
    (
        "range-and-address",
        {"ips": "192.0.2.0/28,198.51.100.7"},
        "IP-adresser (--ips): Angiv enten IP-adresser eller én IP-range, ikke begge dele.",
    ),
    (
        "bad-ip",
        {"ips": "192.0.2.300"},
        "IP-adresser (--ips): »192.0.2.300« er ikke en gyldig IP-adresse.",
    ),
    (
        "http-endpoint",
        {"types": "receiver", "protocol": "REST_PUSH", "endpoint": "http://post.example/ind"},
        NOT_HTTPS,
    ),
    (
        "missing-endpoint",
        {"types": "receiver", "protocol": "REST_PUBLISH_SUBSCRIBE"},
        "Angiv end point (--endpoint): Angiv End point.",
    ),
    (
        "missing-receipt-endpoint",
        {"protocol": "REST_PUSH"},
        "Tilslut kvitterings-end point til memo-meddelelser (--receipt-endpoint): "
        "Angiv Kvitterings-end point.",
    ),
    (
        "missing-ssh-key",
        {"protocol": "SFTP"},
        "Offentlig SSH-nøgle (--ssh-key-file): Indsæt systemets offentlige SSH-nøgle.",
    ),
    (
        "past-activation",
        {"activate": "2020-01-01T08:00"},
        "Dato (--activate): Aktiveringstidspunktet ligger i fortiden. Vælg et tidspunkt frem "
        "i tiden.",
    ),
    (
        "unreadable-activation",
        {"activate": "i morgen"},
        "Vælg aktivering af system (--activate): Angiv now, never eller et tidspunkt i ISO "
        "8601-format, fx 2026-05-01T08:00.",
    ),
    (
        "bad-email",
        {"contact_email": "drift@"},
        "E-mailadresse (--contact-email): Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk.",
    ),
    (
        "bad-phone",
        {"contact_phone": "12"},
        "Telefonnummer (--contact-phone): Telefonnummeret er ikke gyldigt. Skriv fx 33 12 34 56 "
        "eller +45 33 12 34 56.",
    ),
    (
        "missing-contact",
        {"contact_name": ""},
        "Navn (--contact-name): Angiv navnet på den tekniske kontakt.",
    ),
    (
        "long-name",
        {"name": "x" * 101},
        "Navn (--name): Navnet må højst være 100 tegn (du har skrevet 101).",
    ),
    ("empty-name", {"name": "  "}, "Navn (--name): Giv systemet et navn."),
    (
        "receiver-sftp",
        {"types": "receiver", "protocol": "SFTP"},
        "Vælg protokol (--protocol): Protokollen kan ikke bruges til denne type system.",
    ),
    (
        "sender-publish-subscribe",
        {"protocol": "REST_PUBLISH_SUBSCRIBE"},
        "Vælg protokol (--protocol): Protokollen kan ikke bruges til denne type system.",
    ),
    (
        "unknown-protocol",
        {"protocol": "FTP"},
        "Vælg protokol (--protocol): Protokollen kan ikke bruges til denne type system.",
    ),
    (
        "unknown-type",
        {"types": "sender,printer"},
        "Opsæt systemet som (--types): Vælg, om systemet skal opsættes som afsendersystem, "
        "modtagersystem eller begge.",
    ),
    (
        "no-type",
        {"types": ""},
        "Opsæt systemet som (--types): Vælg, om systemet skal opsættes som afsendersystem, "
        "modtagersystem eller begge.",
    ),
    (
        "unknown-cvr",
        {"cvr": "42424242"},
        "CVR (--cvr): Der findes ingen organisation med CVR-nummer 42424242.",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_add_refuses_with_the_wizards_message_and_saves_nothing(personas, overrides, message):
    before = saved()
    with pytest.raises(CommandError) as refused:
        run(*args(**overrides))
    assert any(line.startswith(message) for line in str(refused.value).splitlines())
    assert saved() == before


def test_add_refuses_an_invalid_cvr(personas):
    with pytest.raises(CommandError, match=r"^CVR \(--cvr\): "):
        run(*args(cvr="12345678"))
    assert saved() == (0, 0)


def _rsa_1024():
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - refused
    return public_key(weak)


def _private_key():
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()


KEY_REFUSALS = [
    (
        "rsa-1024",
        _rsa_1024,
        "Offentlig SSH-nøgle (--ssh-key-file): RSA-nøglen er på 1024 bit. Den skal være på "
        "mindst 2048 bit.",
    ),
    (
        "private-key",
        _private_key,
        "Offentlig SSH-nøgle (--ssh-key-file): Du har indsat en privat nøgle. Indsæt kun den "
        "offentlige nøgle (filen ender typisk på .pub), og lav et nyt nøglepar, da den private "
        "nøgle ikke længere kan regnes for hemmelig.",
    ),
    (
        "garbage",
        lambda: "ssh-ed25519 dette-er-ikke-en-noegle",
        "Offentlig SSH-nøgle (--ssh-key-file): SSH-nøglen kan ikke læses. Indsæt en offentlig "
        "OpenSSH-nøgle på én linje, der begynder med ssh-ed25519, ecdsa-sha2-nistp256 eller "
        "ssh-rsa.",
    ),
    (
        "binary",
        lambda: b"\x00\xff\xfe binary",
        "Offentlig SSH-nøgle (--ssh-key-file): SSH-nøglen kan ikke læses.",
    ),
    (
        "huge",
        lambda: "ssh-ed25519 " + "A" * 100_000,
        "Offentlig SSH-nøgle (--ssh-key-file): SSH-nøglen kan ikke læses.",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"),
    [case[1:] for case in KEY_REFUSALS],
    ids=[case[0] for case in KEY_REFUSALS],
)
def test_add_refuses_a_bad_ssh_key_file(personas, tmp_path, content, message):
    path = key_file(tmp_path, content())
    with pytest.raises(CommandError) as refused:
        run(*args(protocol="SFTP", ssh_key_file=path))
    assert str(refused.value).startswith(message)
    assert saved() == (0, 0)


def test_add_refuses_a_missing_ssh_key_file(personas, tmp_path):
    path = str(tmp_path / "findes-ikke.pub")
    with pytest.raises(CommandError) as refused:
        run(*args(protocol="SFTP", ssh_key_file=path))
    assert (
        str(refused.value)
        == f"Offentlig SSH-nøgle (--ssh-key-file): Filen »{path}« kan ikke læses."
    )
    assert saved() == (0, 0)


def test_add_refuses_a_second_receiver_for_a_company(personas):
    run(*args(cvr=VIRKSOMHED_B, name="Postkasse", types="receiver"))
    before = saved()
    with pytest.raises(CommandError) as refused:
        run(*args(cvr=VIRKSOMHED_B, name="Postkasse 2", types="sender,receiver"))
    assert str(refused.value) == (
        "Opsæt systemet som (--types): Virksomheden har allerede et modtagersystem. En "
        "virksomhed kan kun have ét modtagersystem."
    )
    assert saved() == before


def test_add_reports_every_problem_at_once(personas):
    with pytest.raises(CommandError) as refused:
        run(*args(activate="2020-01-01T08:00", contact_email="x", ips="nope"))
    lines = str(refused.value).splitlines()
    assert len(lines) == 3
    assert any(line.startswith("Dato (--activate): Aktiveringstidspunktet") for line in lines)
    assert "IP-adresser (--ips): »nope« er ikke en gyldig IP-adresse." in lines
    assert (
        "E-mailadresse (--contact-email): Indtast en gyldig e-mailadresse, fx "
        "it-drift@kommune.dk." in lines
    )


def test_a_refusal_exits_non_zero(personas):
    # manage.py turns a CommandError into `sys.exit(error.returncode)`.
    with pytest.raises(CommandError) as refused:
        run(*args(ips=TOO_MANY))
    assert refused.value.returncode != 0
    assert saved() == (0, 0)


def test_list_prints_the_organisations_systems_as_json_lines(personas):
    first = json.loads(run(*args(name="Et"))[0])
    second = json.loads(run(*args(name="To", types="receiver"))[0])
    run(*args(cvr=VIRKSOMHED_B, name="Andres"))
    out, _err = run("list", "--cvr", KOMMUNE_A)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == [first["id"], second["id"]]
    assert rows[1]["types"] == ["receiver"] and rows[1]["is_primary"] is True
    assert rows[0]["protocol"] == Protocol.REST_PULL
    assert all("api_key" not in r for r in rows)
