"""What each demo persona must see: tabs in order, pages and logs (SPEC §1 rights, §2 shell).

Written out by hand from SPEC §1 (not computed from adgang/ui/navigation.py) so a wrong
registry entry fails the tests; shared by the client tests and the browser tests.
"""

# Tab key → the page it opens (SPEC §15), in the guide's order.
PAGES = {
    "oversigt": "/oversigt/",
    "systemtilslutning": "/systemtilslutning/",
    "kontaktstruktur": "/kontaktstruktur/",
    "tilbagekald": "/tilbagekald/",
    "haendelseslog": "/haendelseslog/",
    "flyt-post": "/flyt-post/",
    "statistik": "/statistik/",
    "myndighedsinformation": "/myndighedsinformation/",
    "fritag-borger": "/fritagelse/borger/",
    "fritag-virksomhed": "/fritagelse/virksomhed/",
    "nemsms-borger": "/nemsms/borger/",
    "nemsms-virksomhed": "/nemsms/virksomhed/",
    "adgang": "/adgang/",
}

AUTHORITY_ADMIN = [
    "oversigt",
    "systemtilslutning",
    "kontaktstruktur",
    "tilbagekald",
    "flyt-post",
    "myndighedsinformation",
]
LOG_ONLY = ["oversigt", "haendelseslog"]

EXPECTED_TABS = {
    "alice": AUTHORITY_ADMIN,
    "bob": [
        "oversigt",
        "haendelseslog",
        "fritag-borger",
        "fritag-virksomhed",
        "nemsms-borger",
        "nemsms-virksomhed",
        "adgang",
    ],
    "lars": LOG_ONLY,
    "lene": LOG_ONLY,
    "leif": LOG_ONLY,
    "sofie": ["oversigt", "statistik"],
    "erik": ["oversigt", "haendelseslog", "fritag-virksomhed", "nemsms-virksomhed"],
    "charlie": ["oversigt"],
    "morten": [
        "oversigt",
        "systemtilslutning",
        "tilbagekald",
        "flyt-post",
        "myndighedsinformation",
    ],
    "morten_m": [
        "oversigt",
        "systemtilslutning",
        "tilbagekald",
        "haendelseslog",
        "flyt-post",
        "myndighedsinformation",
    ],
    "maja": AUTHORITY_ADMIN,
    "birgitte": ["oversigt", "systemtilslutning", "statistik"],
    "sune": ["oversigt", "systemtilslutning"],
    "tina": ["oversigt", "systemtilslutning"],
    "dorte": ["oversigt"],
}

# The three logs of the event log (SPEC §1: no single right opens all three).
LOGS = ("meddelelser", "handlinger", "soegninger")
EXPECTED_LOGS: dict[str, set[str]] = {
    "bob": {"meddelelser", "handlinger"},
    "lars": {"meddelelser"},
    "lene": {"handlinger"},
    "leif": {"soegninger"},
    "erik": {"meddelelser", "handlinger"},
    "morten_m": {"meddelelser"},
}
