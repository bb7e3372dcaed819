"""The rights of SPEC §1 and their fixed slugs (SPEC §15).

A right is granted per person per organisation. The slugs are part of the product: they are
used in code, settings, OIDC claims and the test portal, so they never change.
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Right:
    slug: str
    label: str
    test_name: str = ""


SYSTEMADMINISTRATOR = "systemadministrator"
KONTAKTSTRUKTURADMINISTRATOR = "kontaktstrukturadministrator"
LOG_MEDDELELSER = "logadministrator-meddelelser"
LOG_HANDLINGER = "logadministrator-handlinger"
LOG_SOEGNINGER = "logadministrator-soegninger"
BORGERSERVICE = "borgerservicemedarbejder"
ERHVERVSSERVICE = "erhvervsservicemedarbejder"
STATISTIKADMINISTRATOR = "statistikadministrator"
SYSTEMFORVALTER = "systemforvalter"

RIGHTS: dict[str, Right] = {
    r.slug: r
    for r in (
        Right(SYSTEMADMINISTRATOR, _("Systemadministrator"), "DP Admin"),
        Right(KONTAKTSTRUKTURADMINISTRATOR, _("Kontaktstrukturadministrator")),
        Right(LOG_MEDDELELSER, _("Logadministrator – meddelelser")),
        Right(LOG_HANDLINGER, _("Logadministrator – medarbejder- og systemhandlinger")),
        Right(LOG_SOEGNINGER, _("Logadministrator – medarbejdersøgninger")),
        Right(BORGERSERVICE, _("Borgerservicemedarbejder")),
        Right(ERHVERVSSERVICE, _("Erhvervsservicemedarbejder")),
        Right(STATISTIKADMINISTRATOR, _("Statistikadministrator"), "Statistik Admin"),
        Right(SYSTEMFORVALTER, _("Systemforvalter")),
    )
}
RIGHT_SLUGS: tuple[str, ...] = tuple(RIGHTS)
RIGHT_CHOICES = [(r.slug, r.label) for r in RIGHTS.values()]


class UnknownRightError(ValueError):
    def __init__(self, slug: str) -> None:
        super().__init__(
            gettext("Ukendt rettighed: %(slug)r. Gyldige rettigheder er: %(valid)s.")
            % {"slug": slug, "valid": ", ".join(RIGHT_SLUGS)}
        )
        self.slug = slug


def parse_rights(value: str | list[str] | tuple[str, ...]) -> list[str]:
    """Turn `"a,b"` or `["a", "b"]` into a sorted list of known slugs; refuse unknown ones."""
    items = value.split(",") if isinstance(value, str) else list(value)
    slugs = sorted({item.strip() for item in items if item and item.strip()})
    for slug in slugs:
        if slug not in RIGHTS:
            raise UnknownRightError(slug)
    return slugs


def right_labels(slugs) -> list[str]:
    return [str(RIGHTS[s].label) for s in RIGHT_SLUGS if s in slugs]
