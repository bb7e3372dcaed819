"""Parsing and checking what a person types about a system (SPEC §3 "Tilslutning", "Kontakt").

Unit tests with the Danish message for every bad input, and property tests (hypothesis) that
the parsers agree with Python's `ipaddress` and never fail with anything but a
ValidationError.
"""

import base64
import contextlib
import hashlib
import ipaddress
import shutil
import subprocess
import warnings

import pytest
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adgang.systems.validation import (
    AllowedIps,
    ip_allowed,
    parse_allowed_ips,
    ssh_key_fingerprint,
    validate_delegated_cvr,
    validate_email,
    validate_https_url,
    validate_name,
    validate_phone,
    validate_ssh_public_key,
)

WHAT = "End point"


def message_of(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert len(caught.value.messages) == 1
    return caught.value.messages[0]


# --- IP addresses and ranges ----------------------------------------------------------


def addresses(n: int, start: str = "192.0.2.1") -> list[str]:
    first = ipaddress.ip_address(start)
    return [str(first + i) for i in range(n)]


@pytest.mark.parametrize("separator", [",", ", ", " ", "\n", "\r\n", ",\n", ";", "\t"])
def test_parse_allowed_ips_accepts_32_addresses_with_any_separator(separator):
    given_ips = addresses(32)
    assert parse_allowed_ips(separator.join(given_ips)) == AllowedIps(addresses=tuple(given_ips))


def test_parse_allowed_ips_accepts_ipv6_and_normalises_it():
    parsed = parse_allowed_ips("2001:DB8:0:0::1, 192.0.2.1")
    assert parsed.addresses == ("2001:db8::1", "192.0.2.1")


def test_parse_allowed_ips_removes_duplicates_before_counting():
    given_ips = [*addresses(32), "192.0.2.1", "2001:db8::1", "2001:DB8::0001"]
    given_ips.remove("192.0.2.32")
    parsed = parse_allowed_ips(", ".join(given_ips))
    assert len(parsed.addresses) == 32
    assert parsed.addresses[-1] == "2001:db8::1"


def test_parse_allowed_ips_refuses_33_addresses():
    assert (
        message_of(lambda: parse_allowed_ips(", ".join(addresses(33))))
        == "Du kan højst angive 32 IP-adresser (du har angivet 33)."
    )


@pytest.mark.parametrize("text", ["", "   ", ",", "\n, ;"])
def test_parse_allowed_ips_requires_something(text):
    assert message_of(lambda: parse_allowed_ips(text)) == (
        "Angiv mindst én IP-adresse eller én IP-range."
    )


@pytest.mark.parametrize(
    "text",
    [
        "10.0.0.0/24, 10.0.1.0/24",
        "10.0.0.1-10.0.0.9 10.0.1.0/24",
        "10.0.0.1-10.0.0.9\n10.0.1.1-10.0.1.9",
    ],
)
def test_parse_allowed_ips_refuses_two_ranges(text):
    assert message_of(lambda: parse_allowed_ips(text)) == "Du kan kun angive én IP-range."


@pytest.mark.parametrize(
    "text", ["10.0.0.0/24, 192.0.2.1", "192.0.2.1 10.0.0.1-10.0.0.9", "::1\n2001:db8::/32"]
)
def test_parse_allowed_ips_refuses_a_range_with_addresses(text):
    assert message_of(lambda: parse_allowed_ips(text)) == (
        "Angiv enten IP-adresser eller én IP-range, ikke begge dele."
    )


@pytest.mark.parametrize(
    "token",
    [
        "10.0.0.256",
        "10.0.0",
        "10.0.0.1.1",
        "010.0.0.1",
        "abc",
        "2001:db8::g",
        "2001:db8:::1",
        "fe80::1%eth0",
        "10.0.0.1:443",
    ],
)
def test_parse_allowed_ips_refuses_a_malformed_address(token):
    assert message_of(lambda: parse_allowed_ips(f"192.0.2.1, {token}")) == (
        f"»{token}« er ikke en gyldig IP-adresse."
    )


@pytest.mark.parametrize(
    "token",
    [
        "10.0.0.0/33",
        "10.0.0.0/",
        "/24",
        "10.0.0.0/24/8",
        "10.0.0.0/abc",
        "10.0.0.1-",
        "-10.0.0.1",
        "10.0.0.1-abc",
        "10.0.0.1-10.0.0.2-10.0.0.3",
        "2001:db8::/129",
        "fe80::1%eth0-fe80::9",
    ],
)
def test_parse_allowed_ips_refuses_a_malformed_range(token):
    assert message_of(lambda: parse_allowed_ips(token)) == (
        f"»{token}« er ikke en gyldig IP-range. Skriv fx 10.0.0.0/24 eller 10.0.0.1-10.0.0.20."
    )


@pytest.mark.parametrize(
    "token",
    ["0.0.0.0/0", "::/0", "0.0.0.0-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
)
def test_parse_allowed_ips_refuses_a_range_of_every_address(token):
    # It would switch the IP check off for the system's API key.
    assert message_of(lambda: parse_allowed_ips(token)) == (
        f"IP-rangen »{token}« omfatter alle adresser. Angiv kun systemets egne adresser."
    )


@pytest.mark.parametrize("token", ["10.0.0.9-10.0.0.1", "10.0.0.1-2001:db8::1", "::9-::1"])
def test_parse_allowed_ips_refuses_a_reversed_or_mixed_range(token):
    assert message_of(lambda: parse_allowed_ips(token)) == (
        f"IP-rangen »{token}« skal starte med den laveste adresse, og begge adresser skal "
        "være af samme type (IPv4 eller IPv6)."
    )


@pytest.mark.parametrize(
    ("token", "network"),
    [("10.0.0.1/24", "10.0.0.0/24"), ("2001:db8::1/32", "2001:db8::/32")],
)
def test_parse_allowed_ips_refuses_a_cidr_with_host_bits_and_suggests_the_network(token, network):
    assert message_of(lambda: parse_allowed_ips(token)) == (
        f"»{token}« er ikke en netværksadresse. Mente du {network}?"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.0/24", "10.0.0.0/24"),
        ("10.0.0.7/32", "10.0.0.7/32"),
        ("2001:DB8::/32", "2001:db8::/32"),
        ("10.0.0.1-10.0.0.20", "10.0.0.1-10.0.0.20"),
        ("10.0.0.1 - 10.0.0.20", "10.0.0.1-10.0.0.20"),
        ("  10.0.0.1-10.0.0.1\n", "10.0.0.1-10.0.0.1"),
        ("2001:db8::1-2001:db8::ff", "2001:db8::1-2001:db8::ff"),
    ],
)
def test_parse_allowed_ips_accepts_one_range(text, expected):
    assert parse_allowed_ips(text) == AllowedIps(range=expected)


@pytest.mark.parametrize(
    ("client", "allowed"),
    [
        ("10.0.0.1", True),
        ("10.0.0.20", True),
        ("10.0.0.0", False),
        ("10.0.0.21", False),
        ("::ffff:10.0.0.5", True),
        ("2001:db8::1", False),
        ("not-an-ip", False),
        ("", False),
    ],
)
def test_ip_allowed_checks_an_a_to_b_range(client, allowed):
    assert ip_allowed(client, addresses=[], ip_range="10.0.0.1-10.0.0.20") is allowed


@pytest.mark.parametrize(
    ("client", "allowed"),
    [
        ("192.0.2.1", True),
        ("::ffff:192.0.2.1", True),
        ("::ffff:c000:201", True),
        ("192.0.2.2", False),
        ("2001:db8::1", True),
        ("2001:db8:0::0:1", True),
        ("2001:db8::2", False),
    ],
)
def test_ip_allowed_checks_single_addresses(client, allowed):
    assert ip_allowed(client, addresses=["192.0.2.1", "2001:db8::1"], ip_range="") is allowed


@pytest.mark.parametrize(
    ("addresses", "ip_range"),
    [([], "10.0.0.1/24"), ([], "10.0.0.9-x"), (["not-an-ip"], ""), ([], ""), ([""], "")],
)
def test_ip_allowed_lets_no_one_in_when_the_stored_value_is_broken(addresses, ip_range):
    assert ip_allowed("10.0.0.5", addresses=addresses, ip_range=ip_range) is False


def test_ip_allowed_matches_an_allowed_ipv4_mapped_address_in_either_form():
    allowed = parse_allowed_ips("::ffff:192.0.2.1").addresses
    assert ip_allowed("192.0.2.1", addresses=list(allowed), ip_range="")
    assert ip_allowed("::ffff:192.0.2.1", addresses=list(allowed), ip_range="")


def forms(ip) -> set:
    """An address and its IPv4-mapped IPv6 spelling: one caller (see ip_allowed)."""
    if ip.version == 6:
        return {ip, ip.ipv4_mapped} - {None}
    return {ip, ipaddress.IPv6Address(f"::ffff:{ip}")}


ipv4 = st.ip_addresses(v=4)
# IPv4-mapped IPv6 addresses count as their IPv4 address; the properties below say so apart.
ipv6 = st.ip_addresses(v=6).filter(lambda ip: ip.ipv4_mapped is None and ip.scope_id is None)
any_ip = st.one_of(ipv4, ipv6)
separators = st.sampled_from([",", ", ", " ", "\n", ";", " ,\n"])


@given(
    chosen=st.lists(any_ip, min_size=1, max_size=32, unique=True),
    separator=separators,
    other=any_ip,
)
def test_property_addresses_round_trip_and_only_they_are_allowed(chosen, separator, other):
    parsed = parse_allowed_ips(separator.join(str(ip) for ip in chosen))
    assert parsed.addresses == tuple(str(ip) for ip in chosen)
    assert parsed.range == ""
    for ip in chosen:
        assert ip_allowed(str(ip), addresses=parsed.as_list, ip_range="")
    assert ip_allowed(str(other), addresses=parsed.as_list, ip_range="") is (other in chosen)


@st.composite
def networks(draw):
    version = draw(st.sampled_from([4, 6]))
    address = draw(ipv4 if version == 4 else ipv6)
    prefix = draw(st.integers(min_value=8 if version == 4 else 16, max_value=address.max_prefixlen))
    return ipaddress.ip_network((address, prefix), strict=False)


@given(network=networks(), data=st.data())
def test_property_a_cidr_contains_its_own_addresses_and_agrees_with_ipaddress(network, data):
    parsed = parse_allowed_ips(str(network))
    assert parsed == AllowedIps(range=str(network))
    inside = data.draw(st.ip_addresses(network=str(network)))
    assert ip_allowed(str(inside), addresses=[], ip_range=parsed.range)
    other = data.draw(st.one_of(any_ip, st.ip_addresses(v=6)))
    expected = any(form in network for form in forms(other))
    assert ip_allowed(str(other), addresses=[], ip_range=parsed.range) is expected


@given(first=any_ip, data=st.data())
def test_property_an_a_to_b_range_agrees_with_comparison(first, data):
    same_version = ipv4 if first.version == 4 else ipv6
    # Every address from the lowest to the highest is refused (its own test above).
    last = data.draw(
        same_version.filter(
            lambda ip: ip >= first and not (int(first) == 0 and int(ip) == 2**ip.max_prefixlen - 1)
        )
    )
    parsed = parse_allowed_ips(f"{first}-{last}")
    other = data.draw(st.one_of(any_ip, st.ip_addresses(v=6)))
    expected = any(f.version == first.version and first <= f <= last for f in forms(other))
    assert ip_allowed(str(other), addresses=[], ip_range=parsed.range) is expected


@given(st.text())
def test_property_parse_allowed_ips_returns_or_raises_validation_error(text):
    try:
        parsed = parse_allowed_ips(text)
    except ValidationError:
        return
    assert parsed.as_list
    assert len(parsed.as_list) <= 32


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="0123456789abcdef.:/-", max_size=45),
            any_ip.map(str),
        ),
        max_size=5,
    ).map(" ".join)
)
def test_property_parse_allowed_ips_on_ip_like_text_returns_or_raises_validation_error(text):
    with contextlib.suppress(ValidationError):
        parse_allowed_ips(text)


# --- https end points -----------------------------------------------------------------


HTTPS_REQUIRED = f"{WHAT} skal benytte SSL (https-protokol), fx https://post.eksempel.dk/modtag."
FULL_ADDRESS = (
    f"{WHAT} skal være en fuld adresse, der begynder med https://, fx "
    "https://post.eksempel.dk/modtag."
)
INTERNAL = f"{WHAT} må ikke pege på en intern adresse (fx localhost eller 10.x.x.x)."


@pytest.mark.parametrize(
    "url",
    [
        "https://post.kommune-a.dk/modtag",
        "HTTPS://Post.Kommune-A.dk/modtag",
        "https://post.kommune-a.dk:8443/modtag?system=1#x",
        "https://post.kommune-a.dk",
        "https://xn--kbenhavn-54a.dk/post",
        "https://københavn.dk/post",
        "  https://post.kommune-a.dk/modtag  ",
        "https://[2a00:1450:4001:800::200e]/modtag",
        "https://193.163.102.58/modtag",
    ],
)
def test_validate_https_url_accepts_an_absolute_https_url(url, settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False
    assert validate_https_url(url, what=WHAT) == url.strip()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", f"Angiv {WHAT}."),
        ("   ", f"Angiv {WHAT}."),
        ("http://post.kommune-a.dk/modtag", HTTPS_REQUIRED),
        ("ftp://post.kommune-a.dk/modtag", HTTPS_REQUIRED),
        ("javascript://post.kommune-a.dk/%0aalert(1)", HTTPS_REQUIRED),
        ("/modtag", FULL_ADDRESS),
        ("modtag", FULL_ADDRESS),
        ("post.kommune-a.dk/modtag", FULL_ADDRESS),
        ("//post.kommune-a.dk/modtag", FULL_ADDRESS),
        ("https://", FULL_ADDRESS),
        ("https:///modtag", FULL_ADDRESS),
        ("https://post kommune.dk/modtag", FULL_ADDRESS),
        ("https://post.kommune-a.dk/mod tag", FULL_ADDRESS),
        ("https://post.kommune-a.dk/\nmodtag", FULL_ADDRESS),
        ("https://post.kommune-a.dk\x00.evil/", FULL_ADDRESS),
        ("https://post.kommune-a.dk/mod\x00tag", FULL_ADDRESS),
        ("https://post.kommune-a.dk/mod\x7ftag", FULL_ADDRESS),
        ("https://[::1/modtag", FULL_ADDRESS),
        ("https://post.kommune-a.dk:99999/", FULL_ADDRESS),
        ("https://post.kommune-a.dk:abc/", FULL_ADDRESS),
        ("https://post..dk/", FULL_ADDRESS),
        ("https://-post.dk/", FULL_ADDRESS),
        ("https://post.kommune-a.dk:0/", "Portnummeret er ikke gyldigt."),
        (
            "https://drift:hemmelig@post.kommune-a.dk/",
            f"{WHAT} må ikke indeholde brugernavn eller adgangskode.",
        ),
        (
            "https://drift@post.kommune-a.dk/",
            f"{WHAT} må ikke indeholde brugernavn eller adgangskode.",
        ),
        ("https://post.kommune-a.dk/" + "x" * 500, f"{WHAT} må højst være 500 tegn."),
    ],
)
def test_validate_https_url_refuses(url, message, settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False
    assert message_of(lambda: validate_https_url(url, what=WHAT)) == message


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST",
        "localhost.",
        "post.localhost",
        "localhost.localdomain",
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 - the address under test, not a bind
        "100.64.0.1",
        "[::1]",
        "[fe80::1]",
        "[fd00::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:10.0.0.1]",
        "[::]",
    ],
)
def test_validate_https_url_refuses_an_internal_address(host, settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False
    url = f"https://{host}/modtag"
    assert message_of(lambda: validate_https_url(url, what=WHAT)) == INTERNAL


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "017700000001"])
def test_validate_https_url_refuses_numeric_shorthands_of_an_address(host, settings):
    # A resolver may read these as 127.0.0.1; they are not host names a system would use.
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        validate_https_url(f"https://{host}/modtag", what=WHAT)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "10.1.2.3", "[::1]"])
def test_validate_https_url_allows_internal_addresses_when_configured(host, settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = True
    url = f"https://{host}:8443/modtag"
    assert validate_https_url(url, what=WHAT) == url


url_like = st.one_of(
    st.text(),
    st.builds(lambda rest: "https://" + rest, st.text()),
    st.builds(
        lambda host, path: f"https://{host}/{path}",
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-:[]@%", min_size=1, max_size=40),
        st.text(max_size=20),
    ),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=url_like, allow_private=st.booleans())
def test_property_validate_https_url_returns_or_raises_validation_error(url, allow_private):
    with override_settings(ADGANG_OUTBOUND_ALLOW_PRIVATE=allow_private):
        try:
            result = validate_https_url(url, what=WHAT)
        except ValidationError:
            return
    assert result.lower().startswith("https://")
    assert not any(c.isspace() for c in result)


# --- SSH public keys ------------------------------------------------------------------


def openssh(private_key, comment: str = "") -> str:
    text = private_key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
    return f"{text} {comment}".strip()


PRIVATE_KEY_MESSAGE = (
    "Du har indsat en privat nøgle. Indsæt kun den offentlige nøgle (filen ender typisk på "
    ".pub), og lav et nyt nøglepar, da den private nøgle ikke længere kan regnes for hemmelig."
)
UNREADABLE = (
    "SSH-nøglen kan ikke læses. Indsæt en offentlig OpenSSH-nøgle på én linje, der begynder "
    "med ssh-ed25519, ecdsa-sha2-nistp256 eller ssh-rsa."
)


@pytest.fixture(scope="module")
def rsa_keys():
    return {bits: rsa.generate_private_key(65537, bits) for bits in (1024, 2048, 4096)}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda keys: ed25519.Ed25519PrivateKey.generate(), id="ed25519"),
        pytest.param(lambda keys: ec.generate_private_key(ec.SECP256R1()), id="ecdsa-p256"),
        pytest.param(lambda keys: ec.generate_private_key(ec.SECP384R1()), id="ecdsa-p384"),
        pytest.param(lambda keys: ec.generate_private_key(ec.SECP521R1()), id="ecdsa-p521"),
        pytest.param(lambda keys: keys[2048], id="rsa-2048"),
        pytest.param(lambda keys: keys[4096], id="rsa-4096"),
    ],
)
@pytest.mark.parametrize("comment", ["", "drift@kommune-a", "nøgle til Æblegård drift"])
def test_validate_ssh_public_key_accepts(rsa_keys, make, comment):
    key = openssh(make(rsa_keys), comment)
    assert validate_ssh_public_key(f"  {key}\n") == key


def test_validate_ssh_public_key_refuses_rsa_under_2048_bits(rsa_keys):
    assert message_of(lambda: validate_ssh_public_key(openssh(rsa_keys[1024]))) == (
        "RSA-nøglen er på 1024 bit. Den skal være på mindst 2048 bit."
    )


def dsa_public_key() -> str:
    """A real ssh-dss line; cryptography warns that it is dropping DSA, which is the point."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openssh(dsa.generate_private_key(1024))  # noqa: S505 - refused below


def test_validate_ssh_public_key_refuses_dsa():
    assert message_of(lambda: validate_ssh_public_key(dsa_public_key())) == (
        "DSA-nøgler understøttes ikke. Brug en ed25519-, ecdsa- eller RSA-nøgle."
    )


@pytest.mark.parametrize(
    "private_format",
    [PrivateFormat.OpenSSH, PrivateFormat.PKCS8, PrivateFormat.TraditionalOpenSSL],
    ids=["openssh", "pkcs8", "traditional"],
)
def test_validate_ssh_public_key_refuses_a_private_key(rsa_keys, private_format):
    private = rsa_keys[2048].private_bytes(Encoding.PEM, private_format, NoEncryption()).decode()
    assert message_of(lambda: validate_ssh_public_key(private)) == PRIVATE_KEY_MESSAGE


def test_validate_ssh_public_key_refuses_an_ed25519_private_key():
    private = (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption())
        .decode()
    )
    assert message_of(lambda: validate_ssh_public_key(private)) == PRIVATE_KEY_MESSAGE


def test_validate_ssh_public_key_refuses_a_putty_private_key():
    putty = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\n"
    assert message_of(lambda: validate_ssh_public_key(putty)) == PRIVATE_KEY_MESSAGE


def bad_keys() -> list:
    key = openssh(ed25519.Ed25519PrivateKey.generate())
    kind, blob = key.split()
    return [
        pytest.param("hello world", id="garbage"),
        pytest.param("ssh-ed25519", id="type-only"),
        pytest.param(f"{kind} {blob[:30]}", id="truncated-base64"),
        pytest.param(f"{kind} {blob[:-8]}", id="truncated-key"),
        pytest.param(f"{kind} {blob}!!", id="bad-base64"),
        pytest.param(f"{kind}\n{blob}", id="multi-line"),
        pytest.param(f"{key}\n{key}", id="two-keys"),
        pytest.param(f"ssh-rsa {blob}", id="wrong-type-name"),
        pytest.param(f"---- BEGIN SSH2 PUBLIC KEY ----\n{blob}\n---- END", id="rfc4716"),
        pytest.param(f"{kind} {'A' * 20_000}", id="huge"),
        pytest.param(f"{key} drift\x00", id="nul-in-comment"),
        pytest.param(f"{kind} {blob}\rcomment", id="carriage-return"),
    ]


@pytest.mark.parametrize("text", bad_keys())
def test_validate_ssh_public_key_refuses_what_is_not_a_public_key(text):
    assert message_of(lambda: validate_ssh_public_key(text)) == UNREADABLE


def test_validate_ssh_public_key_requires_a_key():
    assert message_of(lambda: validate_ssh_public_key("  ")) == (
        "Indsæt systemets offentlige SSH-nøgle."
    )


@given(st.text(max_size=300))
def test_property_validate_ssh_public_key_returns_or_raises_validation_error(text):
    with contextlib.suppress(ValidationError):
        validate_ssh_public_key(text)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ed25519.Ed25519PrivateKey.generate(),
        lambda: ec.generate_private_key(ec.SECP384R1()),
    ],
    ids=["ed25519", "ecdsa"],
)
def test_ssh_key_fingerprint_is_what_ssh_keygen_prints(make, tmp_path):
    key = openssh(make(), "drift@kommune-a")
    blob = base64.b64decode(key.split()[1])
    expected = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    assert ssh_key_fingerprint(key) == expected
    if shutil.which("ssh-keygen"):
        path = tmp_path / "key.pub"
        path.write_text(key + "\n")
        printed = subprocess.run(  # noqa: S603
            ["ssh-keygen", "-lf", str(path)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert printed.split()[1] == expected


@pytest.mark.parametrize("text", ["", "ssh-ed25519", "ssh-ed25519 !!!notbase64"])
def test_ssh_key_fingerprint_of_no_key_is_empty(text):
    assert ssh_key_fingerprint(text) == ""


# --- contact: phone, e-mail; supplier CVR; names --------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("33 12 34 56", "+45 33 12 34 56"),
        ("33123456", "+45 33 12 34 56"),
        ("+45 33 12 34 56", "+45 33 12 34 56"),
        ("0045 33 12 34 56", "+45 33 12 34 56"),
        ("33-12-34-56", "+45 33 12 34 56"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+46 8 123 456 78", "+46 8 123 456 78"),
    ],
)
def test_validate_phone_accepts_danish_and_international_numbers(text, stored):
    assert validate_phone(text) == stored


PHONE_INVALID = "Telefonnummeret er ikke gyldigt. Skriv fx 33 12 34 56 eller +45 33 12 34 56."


@pytest.mark.parametrize(
    "text",
    [
        "33 12 AB CD",
        "3312ABCD",
        "ring til IT",
        "1234",
        "3312345",
        "++45 33 12 34 56",
        "+",
        "٣٣١٢٣٤٥٦x",
    ],
)
def test_validate_phone_refuses_letters_and_short_numbers(text):
    assert message_of(lambda: validate_phone(text)) == PHONE_INVALID


def test_validate_phone_requires_a_number():
    assert message_of(lambda: validate_phone(" ")) == "Angiv et telefonnummer."


@given(st.text(max_size=60))
def test_property_validate_phone_returns_or_raises_validation_error(text):
    try:
        stored = validate_phone(text)
    except ValidationError:
        return
    assert stored.startswith("+")
    assert len(stored) <= 30


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("it-drift@kommune-a.dk", "it-drift@kommune-a.dk"),
        ("  IT-Drift@Kommune-A.DK ", "it-drift@kommune-a.dk"),
        ("drift+post@sub.kommune-a.dk", "drift+post@sub.kommune-a.dk"),
    ],
)
def test_validate_email_accepts(text, stored):
    assert validate_email(text) == stored


EMAIL_INVALID = "Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk."


@pytest.mark.parametrize(
    "text",
    [
        "it-drift",
        "it-drift@",
        "@kommune-a.dk",
        "it drift@kommune-a.dk",
        "it@@kommune-a.dk",
        "it@kommune-a",
        "it@kommune-a.dk\nBcc: x@y.dk",
        "a" * 250 + "@k.dk",
    ],
)
def test_validate_email_refuses(text):
    assert message_of(lambda: validate_email(text)) == EMAIL_INVALID


def test_validate_email_requires_an_address_unless_optional():
    assert message_of(lambda: validate_email("")) == "Angiv en e-mailadresse."
    assert validate_email("", required=False) == ""


@given(st.text(max_size=300))
def test_property_validate_email_returns_or_raises_validation_error(text):
    try:
        stored = validate_email(text, required=False)
    except ValidationError:
        return
    assert len(stored) <= 254


@pytest.mark.parametrize(
    ("text", "stored"), [("10150817", "10150817"), ("10 15 08 17", "10150817"), ("", "")]
)
def test_validate_delegated_cvr_accepts_a_cvr_with_a_valid_control_digit(text, stored):
    assert validate_delegated_cvr(text) == stored


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10150818", "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
        ("1015081", "CVR-nummeret skal bestå af 8 cifre."),
        ("101508170", "CVR-nummeret skal bestå af 8 cifre."),
        ("abcdefgh", "CVR-nummeret skal bestå af 8 cifre."),
        ("01234567", "CVR-nummeret kan ikke begynde med 0."),
    ],
)
def test_validate_delegated_cvr_refuses(text, message):
    assert message_of(lambda: validate_delegated_cvr(text)) == message


@pytest.mark.parametrize(
    ("text", "stored"), [("Post", "Post"), ("  ESDH  post\n", "ESDH post"), ("x" * 100, "x" * 100)]
)
def test_validate_name_accepts_and_normalises_spaces(text, stored):
    assert validate_name(text) == stored


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Giv systemet et navn."),
        ("  \n ", "Giv systemet et navn."),
        ("x" * 101, "Navnet må højst være 100 tegn (du har skrevet 101)."),
        ("Post\x00ind", "Navnet indeholder tegn, der ikke kan bruges."),
        ("Post\x1bind", "Navnet indeholder tegn, der ikke kan bruges."),
    ],
)
def test_validate_name_refuses(text, message):
    assert message_of(lambda: validate_name(text)) == message
