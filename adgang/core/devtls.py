"""A self-signed certificate for local HTTPS endpoints (demo receiver, test receivers).

Receiver endpoints must be https URLs (SPEC §3), also on a developer's machine. The demo
receiver and the tests serve TLS with a certificate made here, and the delivery client
trusts it through `ADGANG_OUTBOUND_CA_FILE` — never by turning verification off.
"""

import datetime
import ipaddress
import uuid
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

VALIDITY = datetime.timedelta(days=825)


def self_signed_certificate(
    directory: Path, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost"), name: str = "dev"
) -> tuple[Path, Path]:
    """Write `<name>.crt` and `<name>.key` into `directory` (once) and return their paths.

    The certificate is its own CA and names each host as an IP or DNS subject alternative
    name, so it can be given to httpx as `verify=` and to `ssl.SSLContext.load_cert_chain`.
    """
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    # A subject of its own per certificate: OpenSSL finds a CA by subject, so two dev
    # certificates with one subject in a bundle would make each other "unknown ca".
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Administrativ Adgang {name}"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, uuid.uuid4().hex),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(_alt_names(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def _alt_names(hosts: tuple[str, ...]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names
