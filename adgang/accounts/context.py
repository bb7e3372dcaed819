"""The acting context: who is logged in, for which organisation, with which rights (SPEC §1-2).

A person acts for one organisation at a time. Their identity in every log is the RID of the
membership they logged in with (`CVR:<cvr>-RID:<rid>`). Acting for another organisation they
are employed by uses that membership's RID and rights; a Systemforvalter acting for an
organisation they are not employed by keeps their own membership's identity and rights.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from adgang.accounts.models import Membership, Organisation, Person
from adgang.accounts.rights import SYSTEMFORVALTER

SESSION_MEMBERSHIP = "adgang_membership_id"
SESSION_ORGANISATION = "adgang_organisation_id"
# When the person authenticated (Unix seconds): the absolute session lifetime counts from it.
SESSION_LOGIN_AT = "adgang_login_at"


@dataclass(frozen=True)
class ActingContext:
    person: Person
    membership: Membership
    organisation: Organisation

    @property
    def rights(self) -> frozenset[str]:
        return self.membership.right_set()

    @property
    def actor_id(self) -> str:
        return self.membership.actor_id

    @property
    def rid(self) -> str:
        return self.membership.rid

    @property
    def is_systemforvalter(self) -> bool:
        return SYSTEMFORVALTER in self.rights

    def has_any(self, slugs) -> bool:
        return bool(self.rights.intersection(slugs))


def resolve_context(
    person: Person, membership_id: object, organisation_id: object
) -> ActingContext | None:
    """Rebuild the context from the session's ids, or None if they are not (or no longer) valid.

    Ids are re-checked on every request, so a forged or stale session never grants access to
    an organisation the person may not act for.
    """
    membership_id, organisation_id = _int_or_none(membership_id), _uuid_or_none(organisation_id)
    if membership_id is None or organisation_id is None:
        return None
    # How many memberships the person has, read with the membership itself: the header asks on
    # every page whether to offer "Skift virksomhed" (selectors.may_switch_context).
    memberships_of_person = (
        Membership.objects.filter(person=OuterRef("person"))
        .order_by()
        .values("person")
        .annotate(count=Count("pk"))
        .values("count")
    )
    membership = (
        Membership.objects.select_related("organisation")
        .annotate(memberships_of_person=Subquery(memberships_of_person))
        .filter(pk=membership_id, person=person)
        .first()
    )
    if membership is None:
        return None
    if membership.organisation_id == organisation_id:
        return ActingContext(person, membership, membership.organisation)
    if not membership.is_systemforvalter:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return None
    return ActingContext(person, membership, organisation)


# A session that holds something other than the ids we put there is treated as no session.
def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
