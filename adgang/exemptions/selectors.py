"""What the rest of the platform asks about exemptions (SPEC §6, §13)."""

from datetime import date

from django.db.models import Q

from adgang.core.clock import today
from adgang.exemptions.models import Exemption


def exemption_in_force(id_type: str, number: str, on: date | None = None) -> Exemption | None:
    """The exemption that holds for the CPR/CVR on `on` (today): effective, not lifted and
    not expired (a company exemption ends at the start of its expiry date)."""
    on = on or today()
    return (
        Exemption.objects.filter(
            id_type=id_type, number=number, lifted_at__isnull=True, effective_from__lte=on
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=on))
        .first()
    )


def is_exempt(id_type: str, number: str, on: date | None = None) -> bool:
    return exemption_in_force(id_type, number, on) is not None


def exempt_among(recipients: set[tuple[str, str]], on: date | None = None) -> set[tuple[str, str]]:
    """Which of the (id_type, number) pairs `is_exempt` on `on`, in one query (a bulk upload
    routes its members in chunks)."""
    on = on or today()
    numbers = {number for _id_type, number in recipients}
    if not numbers:
        return set()
    found = (
        Exemption.objects.filter(number__in=numbers, lifted_at__isnull=True, effective_from__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=on))
        .values_list("id_type", "number")
    )
    return set(found) & recipients
