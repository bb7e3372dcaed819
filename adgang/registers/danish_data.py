"""Small embedded word lists for the synthetic register (SPEC §1, "Registers").

Common Danish first names and surnames, common street names, and real postcode/city pairs
with their municipality, so that generated records look like the real thing on screen.
All persons and companies built from them are fictional.
"""

from __future__ import annotations

FEMALE_FIRST_NAMES = (
    "Anne", "Kirsten", "Mette", "Hanne", "Helle", "Anna", "Susanne", "Lene", "Maria",
    "Marianne", "Lone", "Camilla", "Pia", "Louise", "Charlotte", "Tina", "Gitte", "Ida",
    "Emma", "Sofie", "Freja", "Laura", "Clara", "Ella", "Karen", "Inge", "Birgit", "Julie",
    "Sara", "Caroline", "Line", "Maja", "Signe", "Astrid", "Bente", "Jytte",
)  # fmt: skip

MALE_FIRST_NAMES = (
    "Peter", "Jens", "Michael", "Lars", "Henrik", "Søren", "Thomas", "Jan", "Niels",
    "Christian", "Martin", "Jørgen", "Hans", "Anders", "Rasmus", "Morten", "Jesper", "Mads",
    "Mikkel", "Frederik", "William", "Noah", "Oscar", "Lucas", "Carl", "Emil", "Magnus",
    "Kasper", "Ole", "Bent", "Poul", "Erik", "Kim", "Torben", "Viktor", "Aksel",
)  # fmt: skip

# Second given names, used the Danish way between first name and surname.
FEMALE_MIDDLE_NAMES = ("Marie", "Louise", "Kathrine", "Sofie", "Margrethe", "Elisabeth")
MALE_MIDDLE_NAMES = ("Peter", "Erik", "Christian", "Emil", "Valdemar", "Johan")

SURNAMES = (
    "Nielsen", "Jensen", "Hansen", "Andersen", "Pedersen", "Christensen", "Larsen",
    "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
    "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen",
    "Jakobsen", "Mikkelsen", "Olesen", "Frederiksen", "Laursen", "Henriksen", "Lund",
    "Schmidt", "Eriksen", "Holm", "Kristiansen", "Clausen", "Simonsen", "Svendsen",
    "Andreasen", "Iversen", "Østergaard", "Jeppesen", "Vestergaard", "Nissen",
    "Lauridsen", "Kjær", "Jepsen", "Mogensen", "Dahl", "Bach", "Holst", "Skov", "Bruun",
)  # fmt: skip

STREET_NAMES = (
    "Vestergade", "Østergade", "Nørregade", "Søndergade", "Algade", "Storegade", "Kirkevej",
    "Skolevej", "Møllevej", "Bakkevej", "Engvej", "Skovvej", "Stationsvej", "Birkevej",
    "Egevej", "Bøgevej", "Lindevej", "Ahornvej", "Industrivej", "Havnegade", "Strandvejen",
    "Parkvej", "Rosenvænget", "Kongevejen", "Jernbanegade", "Torvet", "Nørrebrogade",
    "Vesterbrogade", "Amagerbrogade", "Frederiksberg Allé", "Åboulevarden", "Ringvejen",
    "Grønnegade", "Langgade", "Bredgade", "Hovedgaden", "Solvænget", "Fasanvej", "Tværvej",
    "Sankt Hans Gade", "Klostergade", "Mejerivej", "Kærvej", "Lærkevej", "Violvej",
)  # fmt: skip

FLOOR_SUFFIXES = ("", "", "", ", st.", ", st. tv.", ", 1. th.", ", 1. tv.", ", 2. th.",
                  ", 2. mf.", ", 3. tv.", ", 4. th.")  # fmt: skip

# Real Danish (postcode, town, municipality) triples.
POSTCODES = (
    ("1050", "København K", "Københavns Kommune"),
    ("1620", "København V", "Københavns Kommune"),
    ("2100", "København Ø", "Københavns Kommune"),
    ("2200", "København N", "Københavns Kommune"),
    ("2300", "København S", "Københavns Kommune"),
    ("2400", "København NV", "Københavns Kommune"),
    ("2500", "Valby", "Københavns Kommune"),
    ("2000", "Frederiksberg", "Frederiksberg Kommune"),
    ("2610", "Rødovre", "Rødovre Kommune"),
    ("2630", "Taastrup", "Høje-Taastrup Kommune"),
    ("2800", "Kongens Lyngby", "Lyngby-Taarbæk Kommune"),
    ("2900", "Hellerup", "Gentofte Kommune"),
    ("3000", "Helsingør", "Helsingør Kommune"),
    ("3400", "Hillerød", "Hillerød Kommune"),
    ("3700", "Rønne", "Bornholms Regionskommune"),
    ("4000", "Roskilde", "Roskilde Kommune"),
    ("4200", "Slagelse", "Slagelse Kommune"),
    ("4600", "Køge", "Køge Kommune"),
    ("4700", "Næstved", "Næstved Kommune"),
    ("4800", "Nykøbing F", "Guldborgsund Kommune"),
    ("5000", "Odense C", "Odense Kommune"),
    ("5700", "Svendborg", "Svendborg Kommune"),
    ("6000", "Kolding", "Kolding Kommune"),
    ("6100", "Haderslev", "Haderslev Kommune"),
    ("6200", "Aabenraa", "Aabenraa Kommune"),
    ("6400", "Sønderborg", "Sønderborg Kommune"),
    ("6700", "Esbjerg", "Esbjerg Kommune"),
    ("7000", "Fredericia", "Fredericia Kommune"),
    ("7100", "Vejle", "Vejle Kommune"),
    ("7400", "Herning", "Herning Kommune"),
    ("7500", "Holstebro", "Holstebro Kommune"),
    ("7800", "Skive", "Skive Kommune"),
    ("8000", "Aarhus C", "Aarhus Kommune"),
    ("8200", "Aarhus N", "Aarhus Kommune"),
    ("8600", "Silkeborg", "Silkeborg Kommune"),
    ("8700", "Horsens", "Horsens Kommune"),
    ("8800", "Viborg", "Viborg Kommune"),
    ("8900", "Randers C", "Randers Kommune"),
    ("9000", "Aalborg", "Aalborg Kommune"),
    ("9800", "Hjørring", "Hjørring Kommune"),
    ("9900", "Frederikshavn", "Frederikshavn Kommune"),
)

# (street, postcode, city, country) for persons who have moved abroad.
FOREIGN_ADDRESSES = (
    ("Södra Förstadsgatan 12", "211 43", "Malmö", "Sverige"),
    ("Kungsgatan 8", "111 43", "Stockholm", "Sverige"),
    ("Karl Johans gate 20", "0159", "Oslo", "Norge"),
    ("Holstenstraße 41", "24103", "Kiel", "Tyskland"),
    ("Schönhauser Allee 70", "10437", "Berlin", "Tyskland"),
    ("Calle de Alcalá 101", "28009", "Madrid", "Spanien"),
    ("Avenida del Mar 7", "29602", "Marbella", "Spanien"),
    ("12 Baker Street", "W1U 3BW", "London", "Storbritannien"),
    ("Prinsengracht 263", "1016 GV", "Amsterdam", "Nederlandene"),
    ("Aðalstræti 9", "101", "Reykjavík", "Island"),
)

# Words for fictional company names.
NAME_WORDS = (
    "Nordic", "Fjord", "Kyst", "Lyng", "Skov", "Havn", "Fyr", "Klit", "Bølge", "Eg",
    "Hede", "Bakke", "Mølle", "Nord", "Vest", "Øst", "Syd", "Dansk", "Sol", "Storm",
)  # fmt: skip

TRADES = (
    "Consult", "Rådgivning", "Ejendomme", "Transport", "Byg", "VVS", "El-service",
    "Revision", "Design", "Logistik", "Maskiner", "Tømrer", "Malerfirma", "Regnskab",
)  # fmt: skip

COMPANY_FORMS = ("ApS", "ApS", "ApS", "A/S", "A/S", "I/S")

# Fictional suppliers of Digital Post systems (flagged `is_system_supplier`).
SYSTEM_SUPPLIERS = (
    "Nordlys Systemer A/S", "Fjordsoft A/S", "Kystdata ApS", "Bølgeit ApS",
    "Egetræ Software A/S", "Skovbo IT-Partner A/S", "Hededata A/S", "Vejrmølle Digital ApS",
    "Klitgaard Integration A/S", "Postbro Teknologi A/S",
)  # fmt: skip
