"""Helpers for the Adgang tests (SPEC §8): registered people, the flow through the pages."""

from datetime import UTC, datetime

import pytest

from adgang.audit.services import Actor
from adgang.exemptions.models import Exemption
from adgang.readaccess.models import AccessType
from adgang.readaccess.services import read_access_create
from adgang.registers import demo as register_demo
from adgang.registers.registry import get_register

GIVER = register_demo.CITIZEN
HOLDER = register_demo.CITIZEN_YOUNG
COMPANY = register_demo.VIRKSOMHED_B
DECEASED = register_demo.CITIZEN_DECEASED
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=True)


def living_persons(count: int, *, exclude=()) -> list:
    """`count` living persons of the synthetic register (holders for the limit tests)."""
    skip = {GIVER.cpr, *exclude}
    found = []
    for person in get_register().persons():
        if not person.deceased and person.cpr not in skip:
            found.append(person)
        if len(found) == count:
            break
    return found


def create(personas, holder=HOLDER, *, giver=GIVER, persona="bob", **kwargs):
    """An access through the service, as `persona` (Bob of Kommune A by default)."""
    membership = getattr(personas, persona)
    kwargs.setdefault("access_type", AccessType.READ)
    kwargs.setdefault("expires_on", None)
    return read_access_create(
        actor=Actor(membership.actor_id, membership.organisation.cvr, membership.rid),
        organisation=membership.organisation,
        giver=giver,
        holder=holder,
        **kwargs,
    )


def exempt(personas, cpr=GIVER.cpr, *, effective_from=None):
    return Exemption.objects.create(
        id_type="CPR",
        number=cpr,
        effective_from=effective_from or T0.date(),
        organisation=personas.bob.organisation,
    )


def search_giver(client, cpr=GIVER.cpr) -> str:
    """POST the giver's CPR on /adgang/; returns the giver page's URL."""
    response = client.post("/adgang/", {"giver-cpr": cpr})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def flow_to_summary(client, holder_number=HOLDER.cpr, **details) -> str:
    """Search the giver, the holder and post the details; returns the giver page's URL."""
    giver_url = search_giver(client)
    response = client.post(giver_url + "opret/", {"holder-number": holder_number})
    assert response.status_code == 302, response.content.decode()[:3000]
    data = {"details-access_type": AccessType.READ, "details-unlimited": "on"}
    data.update({f"details-{k}": v for k, v in details.items()})
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(giver_url + "opret/adgang/", data)
    assert response.status_code == 302, response.content.decode()[:5000]
    assert response["Location"].endswith("/opret/opsummering/")
    return giver_url
