"""Reads about organisations, people and who may act for whom (SPEC §1-2)."""

from django.db.models import Count, Prefetch

from adgang.accounts.models import Membership, Organisation, Person


def memberships_of(person: Person) -> list[Membership]:
    """The person's memberships, their first organisation (by name) first."""
    return list(
        Membership.objects.filter(person=person)
        .select_related("organisation")
        .order_by("organisation__name", "created_at")
    )


def may_switch_context(acting) -> bool:
    """Whether "Skift virksomhed" is offered: several organisations, or a Systemforvalter."""
    if acting is None:
        return False
    if acting.is_systemforvalter:
        return True
    # Counted by context.resolve_context with the membership, once per request.
    count = getattr(acting.membership, "memberships_of_person", None)
    if count is None:
        count = Membership.objects.filter(person=acting.person).count()
    return count > 1


def test_people() -> list[Person]:
    """Everyone who can log in through the test portal, with their memberships."""
    return list(
        Person.objects.filter(is_active=True, memberships__isnull=False)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            )
        )
        .order_by("name")
    )


def test_organisations() -> list[Organisation]:
    """The organisations of the test portal (SPEC §1), by name, with their number of people."""
    return list(Organisation.objects.annotate(people=Count("memberships")).order_by("name"))


def organisation_by_cvr(cvr: str) -> Organisation | None:
    return Organisation.objects.filter(cvr=cvr).first()
