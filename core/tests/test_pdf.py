"""Archive-ready PDFs (issue #20): PDF/A, tagged, with title, language and creator."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from core.pdf import CREATOR, PDF_VARIANT, render_pdf

HTML = (
    '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Från HTML</title></head>'
    "<body><h1>Muistio: verkostotapaaminen</h1><p>Äiti, isä ja koulu – yhteinen tavoite.</p>"
    "<table><thead><tr><th>Kuka</th><th>Lupaus</th></tr></thead>"
    "<tbody><tr><td>Olli</td><td>Herätys klo 7</td></tr></tbody></table></body></html>"
)


def archive_metadata(pdf: bytes) -> dict[str, Any]:
    """What an archive checks first, read back with pypdf."""
    reader = PdfReader(io.BytesIO(pdf))
    catalog: Any = reader.trailer["/Root"].get_object()
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    info: Any = reader.metadata or {}
    fonts = []
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts.append(
                any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            )
    return {
        "xmp": xmp,
        "title": info.get("/Title"),
        "creator": info.get("/Creator"),
        "producer": info.get("/Producer"),
        "lang": catalog.get("/Lang"),
        "marked": catalog.get("/MarkInfo", {}).get("/Marked"),
        "tagged": "/StructTreeRoot" in catalog,
        "output_intent": "/OutputIntents" in catalog,
        "fonts_embedded": fonts,
        "text": " ".join(page.extract_text() for page in reader.pages),
    }


def assert_archive_ready(pdf: bytes, *, language: str, title: str | None = None) -> None:
    """PDF/A-2b identification in XMP, an sRGB output intent, embedded fonts, tags, /Lang,
    /Title and Arki as the creator. Other tests (memo, minutes) call this too."""
    found = archive_metadata(pdf)
    level = PDF_VARIANT.removeprefix("pdf/a-")  # "2b"
    part, conformance = level[:-1], level[-1]
    assert f'pdfaid:part="{part}"' in found["xmp"]
    assert f'pdfaid:conformance="{conformance.upper()}"' in found["xmp"]
    assert found["output_intent"]
    assert found["fonts_embedded"] and all(found["fonts_embedded"])
    assert bool(found["marked"]) and found["tagged"]
    assert found["lang"] == language
    assert found["title"] if title is None else found["title"] == title
    assert found["creator"] == CREATOR and "<xmp:CreatorTool>Arki</xmp:CreatorTool>" in found["xmp"]
    assert str(found["producer"]).startswith("WeasyPrint")


def test_render_pdf_makes_an_archive_ready_pdf_a_with_the_given_title_and_language():
    pdf = render_pdf(HTML, base_url=".", title="Muistio 3.12.2026", language="fi")
    assert pdf.startswith(b"%PDF-1.7")
    assert_archive_ready(pdf, language="fi", title="Muistio 3.12.2026")
    found = archive_metadata(pdf)
    assert "<dc:title>" in found["xmp"] and "Muistio 3.12.2026" in found["xmp"]
    assert "Herätys klo 7" in found["text"]


def test_title_and_language_come_from_the_html_when_not_given():
    pdf = render_pdf(HTML, base_url=".", subject="Verkostotapaaminen")
    assert_archive_ready(pdf, language="sv", title="Från HTML")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and reader.metadata["/Subject"] == "Verkostotapaaminen"
    assert reader.metadata["/Author"] == "Arki"


def test_the_variant_is_a_setting(settings):
    settings.ARKI_PDF_VARIANT = "pdf/a-3b"
    pdf = render_pdf(HTML, base_url=".", language="fi")
    xmp = archive_metadata(pdf)["xmp"]
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_structure_tree_has_the_headings_and_the_table(language):
    pdf = render_pdf(HTML, base_url=".", language=language)
    reader = PdfReader(io.BytesIO(pdf))
    roles: set[str] = set()

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                roles.add(str(node["/S"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert {"/H1", "/Table", "/TH", "/TD", "/P"} <= roles
    assert archive_metadata(pdf)["lang"] == language
