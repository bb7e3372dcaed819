"""Demo contact structures (SPEC §15 `manage.py demo`, SPEC §4).

Runs after `adgang.systems.demo` (the points are attached to its receiver systems).
Idempotent: a group or point is found by organisation and name; what exists is left as it
is, and a missing edge is added, so running the demo twice adds nothing.

What it makes, through the same services the pages use (so the action log shows each
authority's contact structure administrator creating them):
- Kommune A: four levels at most — "Borgerservice" → "Pas og kørekort" → "Pas" → points;
  "Social og sundhed" → "Hjemmepleje"; "Teknik og miljø"; "Jobcenter" as an
  "organisatorisk enhed"; a point shared by two groups ("Sundhedskort"); hidden points;
  points for citizens, companies and authorities; inactive points; points attached to
  "Fagsystem Modtager", "Hændelsesmodtager", "ESDH Afsender og modtager" and
  "Udfaset fagsystem". "Borgerservice via S-Post" is deliberately left without a point, so
  the overview shows its warning.
- Kommune M: a smaller structure attached to "Postmodtager".
"""

from decimal import Decimal

from django.db import transaction

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership, Organisation
from adgang.audit.services import Actor
from adgang.contacts import selectors, services
from adgang.contacts.graph import GROUP, Node, Structure
from adgang.contacts.models import ContactGroup, Target
from adgang.contacts.services import PointSpec
from adgang.systems.models import MailSystem

# Who creates what: (organisation key in accounts.demo.ORGANISATIONS, RID of its
# contact structure administrator).
ADMINS = {"A": "1001", "M": "2001"}

CITIZEN, COMPANY, AUTHORITY = Target.CITIZEN, Target.COMPANY, Target.AUTHORITY


def _group(name, description, parents=(), unit=False) -> dict:
    return {"name": name, "description": description, "parents": parents, "unit": unit}


def _point(name, description, groups, targets, keywords, system, **fields) -> dict:
    return {
        "name": name,
        "description": description,
        "groups": groups,
        "targets": targets,
        "keywords": keywords,
        "system": system,
        **fields,
    }


# Parents before children: a group's parents exist when it is created.
GROUPS = {
    "A": [
        _group("Borgerservice", "Pas, kørekort, sundhedskort, flytning og andre borgersager."),
        _group("Pas og kørekort", "Bestilling, fornyelse og bortkomst.", ("Borgerservice",)),
        _group("Pas", "Spørgsmål om pas.", ("Pas og kørekort",)),
        _group("Social og sundhed", "Hjælp i hjemmet, sundhed og sociale ydelser."),
        _group(
            "Hjemmepleje", "Personlig pleje, praktisk hjælp og madservice.", ("Social og sundhed",)
        ),
        _group("Teknik og miljø", "Byggeri, affald, veje og natur."),
        _group(
            "Jobcenter Kommune A",
            "Jobcentret hjælper ledige og virksomheder.",
            unit=True,
        ),
    ],
    "M": [
        _group("Borgerservice M", "Henvendelser til Borgerservice i Kommune M."),
        _group("Børn og unge", "Dagtilbud, skole og pladsanvisning.", ("Borgerservice M",)),
    ],
}

RECEIVER_A, EVENTS_A, ESDH_A, OLD_A = (
    "Fagsystem Modtager",
    "Hændelsesmodtager",
    "ESDH Afsender og modtager",
    "Udfaset fagsystem",
)

POINTS = {
    "A": [
        _point(
            "Fornyelse af pas",
            "Spørgsmål til fornyelse af pas, status på hvornår og hvordan.",
            ("Pas",),
            (CITIZEN,),
            ("pas", "fornyelse"),
            RECEIVER_A,
            codes=({"type": "KLE", "code": "05.04.02"},),
            active=True,
        ),
        _point(
            "Bortkommet pas",
            "Meld et bortkommet eller stjålet pas.",
            ("Pas",),
            (CITIZEN,),
            ("pas", "bortkommet"),
            RECEIVER_A,
            visible=False,  # reached by deep link from the police's page only
            active=True,
        ),
        _point(
            "Kørekort",
            "Fornyelse og ombytning af kørekort.",
            ("Pas og kørekort",),
            (CITIZEN,),
            ("kørekort",),
            RECEIVER_A,
            active=True,
        ),
        _point(
            "Sundhedskort",
            "Bestil nyt sundhedskort eller skift læge.",
            ("Borgerservice", "Social og sundhed"),  # one point, two groups
            (CITIZEN,),
            ("sundhedskort", "læge"),
            RECEIVER_A,
            active=True,
        ),
        _point(
            "Visitation til hjemmepleje",
            "Ansøg om hjælp i hjemmet.",
            ("Hjemmepleje",),
            (CITIZEN, AUTHORITY),
            ("hjemmepleje", "visitation"),
            ESDH_A,
            input_fields=("Hvem gælder hjælpen",),
            active=True,
        ),
        _point(
            "Madservice",
            "Bestilling og afbestilling af mad. Åbner til foråret.",
            ("Hjemmepleje",),
            (CITIZEN,),
            ("mad", "madservice"),
            ESDH_A,
            active=False,
        ),
        _point(
            "Byggesager",
            "Byggetilladelser og anmeldelser af byggeri.",
            ("Teknik og miljø",),
            (CITIZEN, COMPANY, AUTHORITY),
            ("byggeri", "byggetilladelse"),
            EVENTS_A,
            link_headline="Søg byggetilladelse",
            link_description="Ansøgningen om byggetilladelse sker på Byg og Miljø.",
            link_text="Gå til Byg og Miljø",
            link_url="https://bygogmiljoe.example/",
            active=True,
        ),
        _point(
            "Erhvervsaffald",
            "Tilmelding og afregning af erhvervsaffald.",
            ("Teknik og miljø",),
            (COMPANY,),
            ("affald", "erhverv"),
            EVENTS_A,
            max_message_mb=Decimal("10"),
            max_attachments=3,
            active=True,
        ),
        _point(
            "Gamle vejsager",
            "Sager fra før 2020. Lukkes, når fagsystemet udfases.",
            ("Teknik og miljø",),
            (AUTHORITY,),
            ("vej",),
            OLD_A,
            visible=False,
            active=False,
        ),
        _point(
            "Ledige",
            "Spørgsmål om dagpenge, aktivering og jobsøgning.",
            ("Jobcenter Kommune A",),
            (CITIZEN,),
            ("job", "ledig"),
            ESDH_A,
            active=True,
        ),
        _point(
            "Virksomhedsservice",
            "Rekruttering, løntilskud og fleksjob for virksomheder.",
            ("Jobcenter Kommune A",),
            (COMPANY,),
            ("rekruttering", "fleksjob"),
            ESDH_A,
            active=True,
        ),
        _point(
            "Generelle henvendelser",
            "Skriv hertil, hvis du ikke kan finde det rette sted.",
            (),
            (CITIZEN, COMPANY, AUTHORITY),
            ("generelt",),
            RECEIVER_A,
            active=True,
        ),
        _point(
            "Myndighedssamarbejde",
            "Henvendelser fra andre myndigheder.",
            (),
            (AUTHORITY,),
            ("myndighed", "samarbejde"),
            RECEIVER_A,
            active=True,
        ),
    ],
    "M": [
        _point(
            "Pladsanvisning",
            "Skriv til pladsanvisningen om vuggestue og børnehave.",
            ("Børn og unge",),
            (CITIZEN,),
            ("pasning", "børnehave"),
            "Postmodtager",
            active=True,
        ),
        _point(
            "Borgerservice generelt",
            "Generelle spørgsmål til Borgerservice.",
            ("Borgerservice M",),
            (CITIZEN, COMPANY),
            ("borgerservice",),
            "Postmodtager",
            active=True,
        ),
        _point(
            "Skolesager (skjult)",
            "Kun for skolerne: indberetninger til forvaltningen.",
            ("Børn og unge",),
            (AUTHORITY,),
            ("skole",),
            "Postmodtager",
            visible=False,
            active=False,
        ),
    ],
}


def _organisation(key: str) -> Organisation:
    return Organisation.objects.get(cvr=accounts_demo.ORGANISATIONS[key][0])


def _actor(key: str) -> Actor:
    membership = Membership.objects.select_related("organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS[key][0], rid=ADMINS[key]
    )
    return Actor(membership.actor_id, membership.organisation.cvr, membership.rid)


def _groups_by_name(organisation: Organisation) -> dict[str, ContactGroup]:
    return {g.name: g for g in selectors.groups_of(organisation)}


def _groups_load(key: str, organisation: Organisation, actor: Actor) -> tuple[int, int]:
    """Create the missing groups, then add each missing placement; (groups, edges) made."""
    made = placed = 0
    by_name = _groups_by_name(organisation)
    for data in GROUPS[key]:
        if data["name"] in by_name:
            continue
        by_name[data["name"]] = services.group_create(
            actor=actor,
            organisation=organisation,
            name=data["name"],
            description=data["description"],
            organisational_unit=data["unit"],
            parent_ids=[by_name[parent].pk for parent in data["parents"]],
        )
        made += 1
    structure = Structure.load(organisation)
    for data in GROUPS[key]:
        group = by_name[data["name"]]
        current = structure.parents.get(Node(GROUP, group.pk), set())
        wanted = {by_name[parent].pk for parent in data["parents"]}
        if not wanted <= current:
            services.group_update(
                actor=actor, group=group, changes={"parent_ids": current | wanted}
            )
            placed += 1
    return made, placed


def _points_load(key: str, organisation: Organisation, actor: Actor) -> int:
    made = 0
    groups = _groups_by_name(organisation)
    systems = {s.name: s for s in MailSystem.objects.receivers().filter(organisation=organisation)}
    existing = set(selectors.points_of(organisation).values_list("name", flat=True))
    for data in POINTS[key]:
        if data["name"] in existing:
            continue
        fields = {k: v for k, v in data.items() if k not in {"groups", "system", "targets"}}
        system = systems.get(data["system"])
        services.point_create(
            actor=actor,
            organisation=organisation,
            spec=PointSpec(
                **fields,
                targets=tuple(t.value for t in data["targets"]),
                group_ids=tuple(groups[name].pk for name in data["groups"]),
                # A demo without the systems demo still gets its points, unattached.
                system_id=system.pk if system else None,
            ),
        )
        made += 1
    return made


@transaction.atomic
def load() -> dict[str, int]:
    made = {"groups": 0, "placements": 0, "points": 0}
    for key in GROUPS:
        organisation, actor = _organisation(key), _actor(key)
        groups, placements = _groups_load(key, organisation, actor)
        made["groups"] += groups
        made["placements"] += placements
        made["points"] += _points_load(key, organisation, actor)
    return made
