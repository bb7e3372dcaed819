"""The bench's parties, made idempotently through the real services (SPEC §1, §3).

Three organisations with CVR numbers of their own (starting "98"): a sender authority with a
REST PULL sender system, one authority whose primary receiver system is REST PUSH and one
whose primary receiver system is REST PULL. Systems are created with `system_create` and
their secrets issued again with `system_renew_api_key` on every run, so the key is known to
this run and hashing, address checks and active windows are the production ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.test.utils import override_settings
from stdnum.dk import cvr as stdnum_cvr

from adgang.accounts.models import Organisation, OrganisationKind
from adgang.accounts.services import organisation_create
from adgang.audit.services import SYSTEM
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.services import (
    Activation,
    SystemSpec,
    system_create,
    system_renew_api_key,
    system_update,
)

CVR_BASE = 98_000_000
LOOPBACK = "127.0.0.1"
CONTACT = {
    "contact_name": "Bench-drift",
    "contact_email": "bench@adgang.example",
    "contact_phone": "+45 33 12 34 56",
}
SENDER_NAME = "Bench afsender"
PUSH_NAME = "Bench push-modtager"
PULL_NAME = "Bench pull-modtager"


def bench_cvr(number: int) -> str:
    """The `number`-th valid CVR number from CVR_BASE (control digit by python-stdnum)."""
    found, candidate = -1, CVR_BASE
    while True:
        if stdnum_cvr.is_valid(str(candidate)):
            found += 1
            if found == number:
                return str(candidate)
        candidate += 1


@dataclass(frozen=True)
class BenchSystem:
    system: MailSystem
    auth: str  # "Basic …" with this run's secret


def organisation(number: int, name: str) -> Organisation:
    cvr = bench_cvr(number)
    found = Organisation.objects.filter(cvr=cvr).first()
    if found is not None:
        return found
    return organisation_create(cvr=cvr, name=name, kind=OrganisationKind.MYNDIGHED)


def _system(owner: Organisation, spec: SystemSpec, changes: dict) -> BenchSystem:
    """The organisation's system of that name (created, or brought up to `changes`) with a
    freshly issued key."""
    existing = MailSystem.objects.alive().filter(organisation=owner, name=spec.name).first()
    if existing is None:
        created = system_create(actor=SYSTEM, organisation=owner, spec=spec)
        return BenchSystem(created.system, created.api_key)
    if changes:
        existing = system_update(actor=SYSTEM, system=existing, changes=changes)
    return BenchSystem(existing, system_renew_api_key(actor=SYSTEM, system=existing))


def sender() -> BenchSystem:
    """The bench authority's REST PULL sender system (receipts are pulled: no calls out)."""
    spec = SystemSpec(
        name=SENDER_NAME,
        is_sender=True,
        protocol=Protocol.REST_PULL,
        allowed_ips=(LOOPBACK,),
        activation=Activation.NOW,
        **CONTACT,
    )
    return _system(organisation(0, "Bench afsendermyndighed"), spec, {})


def push_receiver(endpoint: str) -> BenchSystem:
    """A REST PUSH primary receiver posting to `endpoint` (the run's local receiver)."""
    spec = SystemSpec(
        name=PUSH_NAME,
        is_receiver=True,
        protocol=Protocol.REST_PUSH,
        allowed_ips=(LOOPBACK,),
        endpoint=endpoint,
        activation=Activation.NOW,
        **CONTACT,
    )
    with override_settings(ADGANG_OUTBOUND_ALLOW_PRIVATE=True):  # a loopback endpoint
        return _system(organisation(1, "Bench push-myndighed"), spec, {"endpoint": endpoint})


def pull_receiver() -> BenchSystem:
    """A REST PULL primary receiver (it fetches and deletes through the API)."""
    spec = SystemSpec(
        name=PULL_NAME,
        is_receiver=True,
        protocol=Protocol.REST_PULL,
        allowed_ips=(LOOPBACK,),
        activation=Activation.NOW,
        **CONTACT,
    )
    return _system(organisation(2, "Bench pull-myndighed"), spec, {})


def database_url(alias: str) -> str:
    """A URL another process can open for the connection `alias` (gunicorn, workers)."""
    connection = connections[alias]
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if connection.is_in_memory_db() or name.startswith("file:"):
            raise RuntimeError(
                "The Digital Post suites start gunicorn and workers, which cannot open an "
                "in-memory SQLite database: give --database sqlite:////path/to/file.sqlite3"
            )
        return f"sqlite:///{name}"
    if connection.vendor != "postgresql":
        raise RuntimeError(f"Unsupported database vendor {connection.vendor}")
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings['NAME']}"


def figure(value: float, baseline: float, unit: str, **extra) -> dict:
    return {
        "value": round(value, 1),
        "unit": unit,
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3) if baseline else None,
        **extra,
    }
