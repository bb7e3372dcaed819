"""Demo organisations and people (SPEC §15 `manage.py demo`, DESIGN "Personas").

Idempotent: running it again updates the same organisations and people (found by CVR and
RID) instead of adding new ones.
"""

from django.db import transaction

from adgang.accounts import rights as r
from adgang.accounts import services
from adgang.accounts.models import Membership, Organisation, OrganisationKind
from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, action_record
from adgang.registers import demo as register_demo

PLATFORM_CVR = "34051178"  # Digitaliseringsstyrelsen, the platform operator
MYNDIGHED = OrganisationKind.MYNDIGHED
VIRKSOMHED = OrganisationKind.VIRKSOMHED

ORGANISATIONS = {
    "A": (register_demo.KOMMUNE_A.cvr, register_demo.KOMMUNE_A.name, MYNDIGHED),
    "M": (register_demo.KOMMUNE_M.cvr, register_demo.KOMMUNE_M.name, MYNDIGHED),
    "B": (register_demo.VIRKSOMHED_B.cvr, register_demo.VIRKSOMHED_B.name, VIRKSOMHED),
    "S": (register_demo.LEVERANDOER_S.cvr, register_demo.LEVERANDOER_S.name, VIRKSOMHED),
    "D": (PLATFORM_CVR, "Digitaliseringsstyrelsen", MYNDIGHED),
    # A second supplier, so the wizard's supplier list has a choice (SPEC §3).
    "T": (register_demo.LEVERANDOER_T.cvr, register_demo.LEVERANDOER_T.name, VIRKSOMHED),
}
# Organisations that publish standard supplier systems (`Organisation.is_system_supplier`).
SYSTEM_SUPPLIERS = ("S", "T")

# (organisation, RID, name, rights): a person for every right, plus Charlie with none.
PEOPLE = (
    ("A", "1001", "Alice Andersen", [r.SYSTEMADMINISTRATOR, r.KONTAKTSTRUKTURADMINISTRATOR]),
    ("A", "1002", "Bob Berg", [r.BORGERSERVICE]),
    ("A", "1003", "Lars Lund", [r.LOG_MEDDELELSER]),
    ("A", "1004", "Lene Larsen", [r.LOG_HANDLINGER]),
    ("A", "1005", "Leif Lauridsen", [r.LOG_SOEGNINGER]),
    ("A", "1006", "Sofie Schmidt", [r.STATISTIKADMINISTRATOR]),
    ("A", "1007", "Erik Eriksen", [r.ERHVERVSSERVICE]),
    ("A", "1008", "Charlie Christensen", []),
    ("A", "1009", "Morten Mikkelsen", [r.SYSTEMADMINISTRATOR]),
    ("M", "2001", "Maja Madsen", [r.SYSTEMADMINISTRATOR, r.KONTAKTSTRUKTURADMINISTRATOR]),
    ("B", "3001", "Birgitte Bach", [r.SYSTEMADMINISTRATOR, r.STATISTIKADMINISTRATOR]),
    ("S", "4001", "Sune Storm", [r.SYSTEMADMINISTRATOR]),
    ("T", "6001", "Tina Thomsen", [r.SYSTEMADMINISTRATOR]),
    ("D", "9001", "Dorte Dahl", [r.SYSTEMFORVALTER]),
)

# Morten may act for two organisations (SPEC §2 context switch).
SECOND_MEMBERSHIPS = (("A", "1009", "M", "2009", [r.SYSTEMADMINISTRATOR, r.LOG_MEDDELELSER]),)


@transaction.atomic
def load() -> dict[str, int]:
    for org_key, rid, name, rights in PEOPLE:
        cvr, org_name, kind = ORGANISATIONS[org_key]
        services.testportal_user_upsert(
            cvr=cvr, org_name=org_name, org_kind=kind, rid=rid, name=name, rights=rights
        )
    for home_key, home_rid, other_key, other_rid, rights in SECOND_MEMBERSHIPS:
        home = Membership.objects.select_related("person").get(
            organisation__cvr=ORGANISATIONS[home_key][0], rid=home_rid
        )
        other_cvr = ORGANISATIONS[other_key][0]
        existing = Membership.objects.filter(
            person=home.person, organisation__cvr=other_cvr
        ).first()
        if existing is not None:
            services.membership_rights_set(membership=existing, rights=rights)
        else:
            services.membership_add(
                person=home.person,
                organisation=Organisation.objects.get(cvr=other_cvr),
                rid=other_rid,
                rights=rights,
            )
    for key in SYSTEM_SUPPLIERS:
        _flag_supplier(Organisation.objects.get(cvr=ORGANISATIONS[key][0]))
    return {"organisations": len(ORGANISATIONS), "people": len(PEOPLE)}


def _flag_supplier(organisation: Organisation) -> None:
    """Mark a demo organisation as a system supplier, logged like every change (SPEC §14)."""
    if organisation.is_system_supplier:
        return
    organisation.is_system_supplier = True
    organisation.save(update_fields=["is_system_supplier"])
    action_record(
        actor=SYSTEM,
        organisation=organisation,
        subject=Subject.BRUGER,
        event="Redigeret",
        object_id=organisation.cvr,
        object_name=organisation.name,
        field="is_system_supplier",
        before=False,
        after=True,
    )
