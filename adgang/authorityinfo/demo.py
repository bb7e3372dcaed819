"""Demo authority information (SPEC §15 `manage.py demo`, SPEC §9).

Kommune A gets a privacy-policy link and a logo drawn here (a simple square PNG), both saved
through the services the page uses, so the action log shows its administrator setting them.
Idempotent: what is already set is left as it is.
"""

import io

from django.db import transaction
from PIL import Image, ImageDraw

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.authorityinfo import selectors, services

ORGANISATION_KEY = "A"
ADMIN_RID = "1001"  # Alice: Systemadministrator and Kontaktstrukturadministrator
PRIVACY_LINK = "https://www.kommune-a.dk/om-kommunen/privatlivspolitik"
LOGO_FILENAME = "kommune-a-logo.png"
LOGO_SIDE = 256


def logo_draw(side: int = LOGO_SIDE) -> bytes:
    """A simple square logo: a blue tile with a white ring and a white "A"-like mark."""
    image = Image.new("RGBA", (side, side), (0, 62, 92, 255))
    draw = ImageDraw.Draw(image)
    margin = side // 8
    draw.ellipse(
        (margin, margin, side - margin, side - margin), outline=(255, 255, 255, 255), width=10
    )
    mid = side // 2
    draw.polygon(
        [(mid, side // 4), (side * 3 // 4 - 8, side * 3 // 4), (side // 4 + 8, side * 3 // 4)],
        fill=(255, 255, 255, 255),
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@transaction.atomic
def load() -> dict[str, int]:
    membership = Membership.objects.select_related("organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS[ORGANISATION_KEY][0], rid=ADMIN_RID
    )
    organisation = membership.organisation
    actor = Actor(membership.actor_id, organisation.cvr, membership.rid)
    made = {"links": 0, "logos": 0}
    info = selectors.info_of(organisation)
    if info is None or not info.privacy_link:
        services.privacy_link_set(actor=actor, organisation=organisation, link=PRIVACY_LINK)
        made["links"] += 1
    if info is None or not info.has_logo:
        services.logo_set(
            actor=actor, organisation=organisation, content=logo_draw(), filename=LOGO_FILENAME
        )
        made["logos"] += 1
    return made
