"""The PDF is tagged for screen readers (PDF/UA-1), the archive version is PDF/A-3a: read
back with pypdf, structure tree, title and language included."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from recommendations.reports import build_report_context
from recommendations.reports.pdf import render_report_pdf
from tests.reports.conftest import REPORT_DAY

pytestmark = pytest.mark.django_db

TITLE = "MINUSMA S/RES/2640 (2022): progress report (For Council experts)"


def _structure_kinds(node, kinds: set, depth: int = 0) -> None:
    """The /S (structure type) of every element under ``node``."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure_kinds(child, kinds, depth)
        return
    if not hasattr(node, "get") or depth > 60:
        return
    if "/S" in node:
        kinds.add(str(node["/S"]))
    if "/K" in node:
        _structure_kinds(node["/K"], kinds, depth + 1)


def _read(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    return reader, root


@pytest.mark.parametrize("variant,marker", [("standard", b"pdfuaid:part"), ("archive", b"pdfaid:part")])
def test_report_pdf_is_tagged_with_title_and_language(demo, variant, marker):
    # In the report's language, as the worker renders it (reports.services); outside any, the
    # document would take LANGUAGE_CODE (en-gb), and this test passed or failed by test order.
    with translation.override("en"):
        context = build_report_context(mandate=demo.mandate, audience="council", today=REPORT_DAY)
        data, _pages = render_report_pdf(context, variant=variant)
    reader, root = _read(data)

    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == TITLE
    kinds: set[str] = set()
    _structure_kinds(root["/StructTreeRoot"], kinds)
    # Headings in order, paragraphs, the charts' tables and the bookmarks' outline.
    assert {"/H1", "/H2", "/H3", "/H4", "/P", "/Table", "/TR", "/TH", "/TD"} <= kinds
    assert root["/Outlines"]["/Count"] != 0
    # The XMP metadata declares the standard it follows, and the title.
    xmp = root["/Metadata"].get_object().get_data()
    assert marker in xmp
    assert TITLE.encode() in xmp


def test_generate_report_archive_option(demo, tmp_path):
    out = tmp_path / "archive.pdf"
    stdout = io.StringIO()
    call_command(
        "generate_report", "--mandate", "S/RES/2640 (2022)", "--audience", "council", "--output", str(out),
        "--archive", stdout=stdout,
    )
    assert "PDF/A-3a." in stdout.getvalue()
    _reader, root = _read(out.read_bytes())
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()
    assert bool(root["/MarkInfo"]["/Marked"])
