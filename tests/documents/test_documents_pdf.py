"""PDF receipts and detail pages (SPEC §14 "Downloads"): readable Danish text, nothing lost."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from pypdf import PdfReader

from adgang.documents.pdf import PdfNotice, PdfSection, pdf_render

API_KEY = "Basic " + ("QWxhZGRpbjpvcGVuIHNlc2FtZQ+/" * 5)[:124]  # 130 characters, one word


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def squeezed(text: str) -> str:
    """Text without any whitespace: wrapping may break a value over lines anywhere."""
    return "".join(text.split())


def receipt(**overrides) -> bytes:
    arguments = {
        "title": "Kvittering – A1 Afsendersystem",
        "intro": "Systemet er oprettet og aktiveres på den valgte dato.",
        "sections": [
            PdfSection(
                heading="Stamdata",
                rows=[
                    ("System-ID", "8f14e45f-ceea-467f-a0e4-5c3f1e2d7b90"),
                    ("Systemnavn", "Ærøskøbing Økonomi Å/S"),
                    ("Protokol", "REST PUSH"),
                ],
            ),
            PdfSection(heading="Adgang", rows=[("API-nøgle", API_KEY)]),
        ],
        "generated_at": datetime(2025, 3, 5, 13, 30, tzinfo=UTC),
    }
    arguments.update(overrides)
    return pdf_render(**arguments)


def test_pdf_render_gives_a_pdf_document():
    assert receipt().startswith(b"%PDF-")


def test_pdf_text_contains_title_product_danish_letters_and_every_label_and_value():
    text = "\n".join(pages_text(receipt()))

    assert "Kvittering – A1 Afsendersystem" in text
    assert "Administrativ Adgang – Digital Post" in text
    assert "Ærøskøbing Økonomi Å/S" in text
    for label, value in [
        ("System-ID", "8f14e45f-ceea-467f-a0e4-5c3f1e2d7b90"),
        ("Systemnavn", "Ærøskøbing Økonomi Å/S"),
        ("Protokol", "REST PUSH"),
        ("API-nøgle", API_KEY),
    ]:
        assert label in text
        assert squeezed(value) in squeezed(text)
    assert squeezed("Systemet er oprettet og aktiveres på den valgte dato.") in squeezed(text)


def test_pdf_renders_every_danish_letter_and_the_dash_as_text():
    section = PdfSection("Bogstaver", [("æøå", "ÆØÅ – é ü")])
    text = "\n".join(pages_text(receipt(sections=[section])))

    assert "æøå ÆØÅ – é ü" in text


def test_pdf_long_unbroken_api_key_wraps_inside_the_page_and_stays_complete():
    assert len(API_KEY) == 130
    text = "\n".join(pages_text(receipt()))

    assert squeezed(API_KEY) in squeezed(text)
    # It was wrapped: no single extracted line holds the whole key.
    assert all(squeezed(API_KEY) not in squeezed(line) for line in text.splitlines())


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_pdf_value_without_content_shows_a_dash(empty):
    text = pages_text(receipt(sections=[PdfSection("Kontakt", [("Telefon", empty)])]))[0]

    assert "Telefon –" in text


def test_pdf_two_page_document_numbers_its_pages():
    rows = [(f"Felt {number}", f"Værdi {number}") for number in range(40)]
    texts = pages_text(receipt(sections=[PdfSection("Mange felter", rows)]))

    assert len(texts) == 2
    assert "Side 1 af 2" in texts[0]
    assert "Side 2 af 2" in texts[1]
    assert all(f"Værdi {number}" in "\n".join(texts) for number in range(40))


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2025, 3, 5, 13, 30, tzinfo=UTC), "05/03/2025 14:30"),  # winter time, +1
        (datetime(2025, 7, 1, 22, 5, tzinfo=UTC), "02/07/2025 00:05"),  # summer time, +2
    ],
)
def test_pdf_shows_generation_time_in_danish_time_and_format(moment, shown):
    text = pages_text(receipt(generated_at=moment))[0]

    assert f"Dannet {shown}" in text


def test_pdf_generation_time_defaults_to_the_application_clock():
    with time_machine.travel(datetime(2024, 12, 24, 17, 45, tzinfo=UTC), tick=False):
        text = pages_text(receipt(generated_at=None))[0]

    assert "Dannet 24/12/2024 18:45" in text


def test_pdf_metadata_carry_title_author_and_creation_date():
    metadata = PdfReader(io.BytesIO(receipt(author="Kommune A"))).metadata

    assert metadata.title == "Kvittering – A1 Afsendersystem"
    assert metadata.author == "Kommune A"
    assert metadata.creation_date == datetime(2025, 3, 5, 13, 30, tzinfo=UTC)


def test_pdf_notices_show_title_and_text_before_the_intro():
    notices = [
        PdfNotice("warning", "Gem API-nøglen nu", "Den vises kun denne ene gang."),
        PdfNotice("success", "Systemet er oprettet"),
        PdfNotice("info", "Bemærk"),
    ]
    text = pages_text(receipt(notices=notices))[0]

    positions = [
        text.index("Gem API-nøglen nu"),
        text.index("Den vises kun denne ene gang."),
        text.index("Systemet er oprettet\n"),
        text.index("Bemærk"),
        text.index("Systemet er oprettet og aktiveres"),
    ]
    assert positions == sorted(positions)


def test_pdf_value_taller_than_a_page_continues_on_the_next_pages():
    lines = [f"Linje {number}" for number in range(150)]
    texts = pages_text(receipt(sections=[PdfSection("Lang tekst", [("Tekst", "\n".join(lines))])]))

    assert len(texts) >= 2
    joined = "\n".join(texts)
    assert all(f"{line}\n" in joined for line in lines)


def test_pdf_notice_taller_than_a_page_still_renders_all_its_text():
    notice = PdfNotice("info", "Vilkår", " ".join(f"ord{number}" for number in range(2500)))
    text = "\n".join(pages_text(receipt(notices=[notice])))

    assert "ord0 " in text and "ord2499" in text


def test_pdf_control_characters_in_values_are_dropped_not_fatal():
    text = pages_text(receipt(sections=[PdfSection("S", [("Navn", "A\x00B\x07C\tD\r\nE")])]))[0]

    assert "ABC D\nE" in text
