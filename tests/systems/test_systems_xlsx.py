""" "Download systemoversigt" (SPEC §3 overview, §14 downloads, issue 3 acceptance on .xlsx)."""

from io import BytesIO

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from openpyxl import load_workbook

from adgang.systems.documents import systems_xlsx_headers
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.services import Activation
from adgang.systems.validation import ssh_key_fingerprint
from tests.support.systems_details import system_make

URL = "/systemtilslutning/download/"


def ssh_key() -> str:
    return (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
        .decode()
    )


def sheet_of(response):
    return load_workbook(BytesIO(response.content)).active


def rows_of(response) -> list[dict]:
    """The data rows as {header: value}."""
    rows = list(sheet_of(response).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def systems(personas):
    push = system_make(
        personas.alice,
        name="Modtager PUSH",
        protocol=Protocol.REST_PUSH,
        endpoint="https://post.kommune-a.dk/modtag",
        allowed_ips=("192.0.2.10", "192.0.2.11"),
        delegated_cvr="25862015",
        activation=Activation.NOW,
    ).system
    key = ssh_key()
    sftp = system_make(
        personas.alice,
        name="SFTP afsender",
        types=("sender",),
        protocol=Protocol.SFTP,
        ssh_public_key=key,
        allowed_ips=(),
        ip_range="198.51.100.0/24",
        supplier_name="Netcompany",
    ).system
    return push, sftp, key


def test_download_is_an_xlsx_attachment_named_by_cvr_and_date(personas, client_as, time_machine):
    time_machine.move_to("2026-03-02 23:30:00+00:00", tick=False)  # 3 March in Denmark
    response = client_as("alice").get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    cvr = personas.alice.organisation.cvr
    assert f'filename="systemoversigt-{cvr}-2026-03-03.xlsx"' in response["Content-Disposition"]


def test_download_has_one_row_per_system_with_the_headers(client_as, systems):
    response = client_as("alice").get(URL)
    rows = list(sheet_of(response).iter_rows(values_only=True))
    assert list(rows[0]) == systems_xlsx_headers()
    assert sorted(row[1] for row in rows[1:]) == ["Modtager PUSH", "SFTP afsender"]


def test_download_holds_every_non_secret_setting(client_as, systems):
    push, sftp, key = systems
    by_name = {row["Navn"]: row for row in rows_of(client_as("alice").get(URL))}
    receiver, sender = by_name["Modtager PUSH"], by_name["SFTP afsender"]
    assert receiver["ID"] == str(push.pk)
    assert receiver["Type"] == "Modtager"
    assert receiver["Protokol"] == "REST_PUSH"
    assert receiver["IP-adresser"] == "192.0.2.10, 192.0.2.11"
    assert receiver["End point"] == "https://post.kommune-a.dk/modtag"
    assert receiver["Systemfuldmagt (CVR)"] == "25862015"
    assert receiver["Primærsystem"] == "Ja"
    assert receiver["Status"] == "Aktiv"
    assert receiver["Systemet aktiveres fra"] is not None
    assert receiver["Kontakt e-mail"] == "it-drift@kommune.dk"
    assert receiver["Oprettet"] is not None
    assert sender["Type"] == "Afsender"
    assert sender["IP-range"] == "198.51.100.0/24"
    assert sender["SSH-nøgle (fingeraftryk)"] == ssh_key_fingerprint(key)
    assert sender["SFTP-brugernavn"] == sftp.ssh_username
    assert sender["Systemleverandør"] == "Netcompany"
    assert sender["Primærsystem"] == "Nej"
    assert sender["Status"] == "Ikke aktiveret"
    assert sender["Sidst brugt"] is None


def test_download_never_contains_the_api_key_hash_or_prefix(client_as, systems):
    response = client_as("alice").get(URL)
    cells = [str(v) for row in sheet_of(response).iter_rows(values_only=True) for v in row]
    for system in MailSystem.objects.all():
        assert system.api_key_hash not in cells
        assert not any(system.api_key_hash in cell for cell in cells)
        assert not any(cell == system.api_key_prefix for cell in cells)
    headers = systems_xlsx_headers()
    assert not [h for h in headers if "hash" in h.lower() or "prefix" in h.lower()]


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example","klik")', "+1+1", "-2+3", "@SUM(A1)"],
)
def test_download_neutralises_formulas_in_names(personas, client_as, name):
    system_make(personas.alice, name=name, types=("sender",))
    sheet = sheet_of(client_as("alice").get(URL))
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value == "'" + name


def test_download_holds_only_the_acting_organisations_systems(personas, client_as, systems):
    system_make(personas.maja, name="Kommune M's system")
    names = [row["Navn"] for row in rows_of(client_as("alice").get(URL))]
    assert "Kommune M's system" not in names
    assert [row["Navn"] for row in rows_of(client_as("maja").get(URL))] == ["Kommune M's system"]


def test_download_follows_the_overview_filter(client_as, systems):
    rows = rows_of(client_as("alice").get(URL + "?type=afsender"))
    assert [row["Navn"] for row in rows] == ["SFTP afsender"]


def test_download_of_no_systems_has_the_header_only(client_as, personas):
    rows = list(sheet_of(client_as("alice").get(URL)).iter_rows(values_only=True))
    assert rows == [tuple(systems_xlsx_headers())]


def test_download_needs_the_systemadministrator_right(client_as):
    assert client_as("charlie").get(URL).status_code == 403
