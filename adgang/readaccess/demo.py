"""Demo read accesses (SPEC §15 `manage.py demo`, SPEC §8).

Runs after `adgang.accounts.demo` (Bob Berg, Borgerservicemedarbejder in Kommune A, is the
actor). Idempotent: an access that exists (active, same giver and holder) is left alone, so a
second run adds nothing. Made through `read_access_create`, so the action log, the notices to
giver and holder and the limit hold for the demo as for the pages.

- Mette Hansen (the demo citizen): a read access for Freja Andersen, and a read-and-write
  access for Virksomhed B ApS meant for an employee, expiring in a year;
- one citizen of the synthetic register at the limit: 10 accesses, so "Opret adgang" is
  refused for them.
"""

from datetime import timedelta

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.core.clock import now as clock_now
from adgang.exemptions.selectors import is_exempt
from adgang.readaccess.models import MAX_ACTIVE_PER_GIVER, AccessType, ReadAccess
from adgang.readaccess.services import read_access_create
from adgang.registers import demo as register_demo
from adgang.registers.registry import get_register

ACTOR_RID = "1002"  # Bob Berg, Kommune A


def _living_persons(count: int, exclude: set[str]) -> list:
    """The first living, not exempt synthetic persons (the exemptions demo, which runs first,
    exempts one of them: an exempt giver would need the lift-or-keep choice)."""
    found = []
    for person in get_register().persons():
        if not person.deceased and person.cpr not in exclude and not is_exempt("CPR", person.cpr):
            found.append(person)
        if len(found) == count:
            break
    return found


def load() -> dict[str, int]:
    membership = Membership.objects.select_related("organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS["A"][0], rid=ACTOR_RID
    )
    actor = Actor(membership.actor_id, membership.organisation.cvr, membership.rid)
    now = clock_now()
    demo_cprs = {person.cpr for person in register_demo.DEMO_PERSONS}
    synthetic = _living_persons(1 + MAX_ACTIVE_PER_GIVER, exclude=demo_cprs)
    full_giver, holders = synthetic[0], synthetic[1:]
    wanted = [
        (register_demo.CITIZEN, register_demo.CITIZEN_YOUNG, AccessType.READ, None, ""),
        (
            register_demo.CITIZEN,
            register_demo.VIRKSOMHED_B,
            AccessType.READ_WRITE,
            (now + timedelta(days=365)).date(),
            "Birgitte Hansen",
        ),
    ] + [(full_giver, holder, AccessType.READ, None, "") for holder in holders]
    created = 0
    for giver, holder, access_type, expires_on, employee in wanted:
        number = getattr(holder, "cpr", None) or holder.cvr
        exists = (
            ReadAccess.objects.filter(giver__cpr=giver.cpr, holder_id=number)
            .active_at(now)
            .exists()
        )
        if exists:
            continue
        read_access_create(
            actor=actor,
            organisation=membership.organisation,
            giver=giver,
            holder=holder,
            access_type=access_type,
            expires_on=expires_on,
            employee_name=employee,
            now=now,
        )
        created += 1
    return {"accesses created": created, "givers at the limit": 1}
