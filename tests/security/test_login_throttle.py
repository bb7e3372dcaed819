"""django-axes behind the reverse proxy (ASVS 2.2.1; docs/operations.md §4).

Axes keys its lockout on the client's address. Behind the proxy that must be the address the
proxy appended to X-Forwarded-For (the API's rule, `adgang.core.client_ip`), not the proxy's
own: otherwise five failures from anyone lock out everyone behind it, and a client could
dodge the lockout by writing its own X-Forwarded-For entries.
"""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from adgang.core.client_ip import client_ip

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.5"
COLLEAGUE = "203.0.113.6"


def through_proxy(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def fail_login(client: Client, times: int) -> list[int]:
    return [client.post("/login/", {"person": "garbage"}).status_code for _ in range(times)]


def test_axes_uses_the_apis_client_address_rule():
    assert settings.AXES_CLIENT_IP_CALLABLE == "adgang.core.client_ip.client_ip"


@override_settings(ADGANG_API_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_two_clients_behind_one_proxy_are_throttled_separately(personas):
    limit = settings.AXES_FAILURE_LIMIT
    assert fail_login(through_proxy(ATTACKER), limit)[-1] == 429

    locked = through_proxy(ATTACKER).post("/login/", {"person": str(personas.alice.person_id)})
    colleague = through_proxy(COLLEAGUE).post("/login/", {"person": str(personas.bob.person_id)})

    assert locked.status_code == 429
    assert colleague.status_code == 302
    assert colleague["Location"] == "/oversigt/"


@override_settings(ADGANG_API_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_a_locked_out_client_cannot_escape_by_writing_its_own_forwarded_entries(personas):
    fail_login(through_proxy(ATTACKER), settings.AXES_FAILURE_LIMIT)

    # The client writes a fresh address; the proxy appends the real one on the right.
    response = through_proxy(f"{COLLEAGUE}, {ATTACKER}").post(
        "/login/", {"person": str(personas.alice.person_id)}
    )

    assert response.status_code == 429


def test_without_the_proxy_setting_the_socket_address_counts(personas):
    fail_login(through_proxy(ATTACKER), settings.AXES_FAILURE_LIMIT)

    # Every forwarded address is ignored: the proxy's own address is what is locked.
    response = through_proxy(COLLEAGUE).post("/login/", {"person": str(personas.bob.person_id)})

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("header", "meta", "expected"),
    [
        ("", {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ATTACKER}, PROXY),
        (
            "HTTP_X_FORWARDED_FOR",
            {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ATTACKER},
            ATTACKER,
        ),
        (
            "HTTP_X_FORWARDED_FOR",
            {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f" {COLLEAGUE} , {ATTACKER} ,"},
            ATTACKER,
        ),
        ("HTTP_X_FORWARDED_FOR", {"REMOTE_ADDR": PROXY}, PROXY),
    ],
    ids=["no-proxy-setting", "one-entry", "right-most-of-several", "header-missing"],
)
def test_client_ip_is_the_right_most_forwarded_entry(rf, header, meta, expected):
    request = rf.get("/", **meta)
    with override_settings(ADGANG_API_CLIENT_IP_HEADER=header):
        assert client_ip(request) == expected
