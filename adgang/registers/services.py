"""Staff look-ups in the CPR and CVR registers, each written to the search log (SPEC §1, §5).

Views and API endpoints call these, never an adapter directly: every look-up of personal
data by a member of staff leaves one row in the staff search log, with the number searched,
the register (the purpose of the look-up, e.g. "Fritagelsesregister") and how many records
were found — also when nothing was found.
"""

from adgang.audit.services import Actor, search_record
from adgang.registers.registry import get_register
from adgang.registers.types import CompanyRecord, PersonRecord
from adgang.registers.validation import normalise_cpr, normalise_cvr


def person_lookup(*, acting, cpr: str, register: str) -> PersonRecord | None:
    """The person with this CPR, or None. Invalid input raises RegisterInputError unlogged:
    a malformed number is not a look-up of anyone's data."""
    cpr = normalise_cpr(cpr)
    return _logged(acting, cpr, register, get_register().lookup_person(cpr))


def company_lookup(*, acting, cvr: str, register: str) -> CompanyRecord | None:
    """The company with this CVR, or None; logged like `person_lookup`."""
    cvr = normalise_cvr(cvr)
    return _logged(acting, cvr, register, get_register().lookup_company(cvr))


def _logged(acting, number: str, register: str, record):
    search_record(
        actor=Actor.of(acting),
        organisation=acting.organisation,
        search_data=number,
        register=register,
        result_count=int(record is not None),
    )
    return record
