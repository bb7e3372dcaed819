"""The oracle of the access matrix: who may use a route, computed from its declaration.

Independent of `Access.allows` on purpose: the personas' rights and organisation kinds are
read from the demo's own table (DESIGN "Personas"), the route's needs from its declaration.
"""

import re
import secrets

from adgang.accounts import demo
from adgang.accounts.access import Access
from adgang.core.middleware import HEALTH_VIEWS
from tests.security.routes import browser_routes

# Anonymous, Charlie with no rights, and one persona per right (DESIGN "Personas").
PERSONAS = (
    None,
    "charlie",
    "alice",  # Systemadministrator, Kontaktstrukturadministrator
    "bob",  # Borgerservicemedarbejder
    "lars",  # Logadministrator – meddelelser
    "lene",  # Logadministrator – handlinger
    "leif",  # Logadministrator – søgninger
    "sofie",  # Statistikadministrator
    "erik",  # Erhvervsservicemedarbejder
    "dorte",  # Systemforvalter (Digitaliseringsstyrelsen)
    "birgitte",  # Systemadministrator, Statistikadministrator of a virksomhed
    "sune",  # Systemadministrator of a system supplier (standard systems)
)
RID_OF = {"alice": "1001", "bob": "1002", "lars": "1003", "lene": "1004", "leif": "1005"}
RID_OF |= {"sofie": "1006", "erik": "1007", "charlie": "1008", "dorte": "9001"}
RID_OF |= {"birgitte": "3001", "sune": "4001"}
SUPPLIERS = {demo.ORGANISATIONS[key][0] for key in demo.SYSTEM_SUPPLIERS}
# Persona → (rights, organisation kind), read from the demo's own table.
HOLDS = {
    name: (set(rights), str(demo.ORGANISATIONS[org][2]), demo.ORGANISATIONS[org][0] in SUPPLIERS)
    for name, rid in RID_OF.items()
    for org, person_rid, _, rights in demo.PEOPLE
    if person_rid == rid
}

# Pages a view refuses beyond its declaration: only system suppliers manage standard systems.
SUPPLIER_ONLY = "systemtilslutning/standardsystemer/"
PROBES = {path.lstrip("/") for path in HEALTH_VIEWS}

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
ROUTES = browser_routes()


def expected_allowed(route: str, access: Access, persona: str) -> bool:
    """The oracle: what the declaration promises, computed from the persona table."""
    rights, kind, supplier = HOLDS[persona]
    if route.startswith(SUPPLIER_ONLY) and not supplier:
        return False
    if access.kinds and kind not in {str(k) for k in access.kinds}:
        return False
    return not access.rights or bool(rights & set(access.rights))


def has_object_id(route: str) -> bool:
    return any(converter == "uuid" for converter, _ in PARAM.findall(route))


def concrete_url(route: str, foreign: dict) -> str:
    """The route with every uuid naming M's object of that kind, other parts filled in."""
    owner = max((prefix for prefix in foreign if route.startswith(prefix)), key=len, default="")

    def fill(match):
        converter = match.group(1) or "str"
        if converter == "uuid":
            return str(foreign[owner])
        return secrets.token_urlsafe(16) if converter in {"str", "slug"} else "1"

    return "/" + PARAM.sub(fill, route)
