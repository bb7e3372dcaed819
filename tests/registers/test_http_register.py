"""The HTTP register adapter against a real local HTTP server (SPEC §1, "Registers")."""

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("httpx")

from adgang.registers.base import RegisterResponseError, RegisterUnavailableError
from adgang.registers.demo import (
    CITIZEN,
    CITIZEN_ABROAD,
    CITIZEN_NO_ADDRESS,
    KOMMUNE_A,
)
from adgang.registers.http import HttpRegister
from adgang.registers.validation import RegisterInputError

SLOW_CPR = "1204034482"
BROKEN_CVR = "27182828"


def _address_json(address):
    if address is None:
        return None
    return {
        "street": address.street,
        "postcode": address.postcode,
        "city": address.city,
        "country": address.country,
    }


def _person_json(person):
    return {
        "cpr": person.cpr,
        "name": person.name,
        "status": person.status,
        "status_date": person.status_date.isoformat() if person.status_date else None,
        "birth_date": person.birth_date.isoformat(),
        "abroad": person.abroad,
        "deceased": person.deceased,
        "address": _address_json(person.address),
    }


ROUTES = {
    f"/api/cpr/{CITIZEN.cpr}": (200, _person_json(CITIZEN)),
    f"/api/cpr/{CITIZEN_ABROAD.cpr}": (200, _person_json(CITIZEN_ABROAD)),
    f"/api/cpr/{CITIZEN_NO_ADDRESS.cpr}": (200, _person_json(CITIZEN) | {"cpr": "0101901234"}),
    f"/api/cvr/{KOMMUNE_A.cvr}": (
        200,
        {
            "cvr": KOMMUNE_A.cvr,
            "name": KOMMUNE_A.name,
            "status": KOMMUNE_A.status,
            "kind": KOMMUNE_A.kind,
            "is_system_supplier": False,
            "address": {"street": "Rådhuspladsen 1", "postcode": "8000", "city": "Aarhus C"},
        },
    ),
    f"/api/cvr/{BROKEN_CVR}": (200, {"cvr": BROKEN_CVR, "name": None}),
    "/api/cvr/16180335": (500, {"error": "boom"}),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == f"/api/cpr/{SLOW_CPR}":
            time.sleep(1.0)
        status, body = ROUTES.get(self.path, (404, {"error": "not found"}))
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout test)
            self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def register(base_url):
    register = HttpRegister(base_url, timeout=0.3)
    yield register
    register.close()


def test_found_person_maps_to_record(register):
    assert register.lookup_person("150385-1284") == CITIZEN


def test_foreign_address_is_kept(register):
    assert register.lookup_person(CITIZEN_ABROAD.cpr) == CITIZEN_ABROAD


def test_found_company_maps_to_record(register):
    assert register.lookup_company(f"DK{KOMMUNE_A.cvr}") == KOMMUNE_A


def test_404_means_not_in_register(register):
    assert register.lookup_person("0101901234") is None
    assert register.lookup_company("13572461") is None


def test_timeout_raises_unavailable(register):
    started = time.monotonic()
    with pytest.raises(RegisterUnavailableError, match="kunne ikke kontaktes"):
        register.lookup_person(SLOW_CPR)
    assert time.monotonic() - started < 0.9


def test_refused_connection_raises_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    register = HttpRegister(f"http://127.0.0.1:{port}", timeout=0.5)
    with pytest.raises(RegisterUnavailableError) as info:
        register.lookup_company(KOMMUNE_A.cvr)
    assert info.value.__cause__ is not None


def test_server_error_raises_response_error(register):
    with pytest.raises(RegisterResponseError):
        register.lookup_company("16180335")


def test_malformed_body_raises_response_error(register):
    with pytest.raises(RegisterResponseError):
        register.lookup_company(BROKEN_CVR)


def test_record_for_another_number_is_rejected(register):
    with pytest.raises(RegisterResponseError):
        register.lookup_person(CITIZEN_NO_ADDRESS.cpr)


def test_malformed_input_never_reaches_the_server(register):
    with pytest.raises(RegisterInputError):
        register.lookup_person("../cvr/31415926")


def test_listing_is_not_supported(register):
    with pytest.raises(NotImplementedError):
        register.companies()
    with pytest.raises(NotImplementedError):
        list(register.persons())
