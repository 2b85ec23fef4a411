"""No text in the database can make the PDF read a file or a URL (DESIGN.md, "Progress reports")."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from recommendations.curation.services import record_status_update
from recommendations.models import Recommendation, StatusUpdate
from recommendations.reports import build_report_context
from recommendations.reports.fetcher import (
    REPORT_BASE_URL,
    FetchRefused,
    StaticFilesOnlyFetcher,
    static_report_url,
)
from recommendations.reports.pdf import render_report_pdf
from tests.reports.conftest import REPORT_DAY, pdf_text

HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> '
    '<img src="http://127.0.0.1:9/x.png"> <link rel="stylesheet" href="https://example.org/x.css">'
)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x.png",
        "data:text/plain;base64,cm9vdDp4OjA6MA==",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
        REPORT_BASE_URL + "etc/passwd",
        REPORT_BASE_URL + "static/../../../../etc/passwd",
        REPORT_BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        REPORT_BASE_URL + "static//etc/passwd",
        REPORT_BASE_URL + "static/css/no-such-file.css",
        REPORT_BASE_URL + "static/css/report.css?x=1",
        "https://report.wpsfollowup.invalid.example.org/static/css/report.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(FetchRefused):
        StaticFilesOnlyFetcher()(url)


def test_fetcher_serves_the_apps_static_files():
    response = StaticFilesOnlyFetcher()(static_report_url("css/report.css"))
    assert response.content_type == "text/css"
    assert b".report-rec" in response.read()


def test_weasyprint_treats_a_refusal_as_a_failed_fetch(tmp_path):
    """Markup given straight to WeasyPrint (not through our escaping) still reads nothing."""
    html = (
        '<p>Hello</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/passwd">'
    )
    data = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticFilesOnlyFetcher()).write_pdf()
    _assert_nothing_fetched(data)


def _assert_nothing_fetched(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        images = [name for name, ref in xobjects.items() if ref.get_object().get("/Subtype") == "/Image"]
        # The report draws its chart as vector SVG: it has no image of its own.
        assert images == []
    assert "root:x:0:0" not in pdf_text(data)
    return reader


@pytest.mark.django_db
def test_hostile_text_in_a_recommendation_and_a_note_is_printed_not_fetched(demo):
    rec = demo.recommendations[0]
    Recommendation.objects.filter(pk=rec.pk).update(text=f"Urge the authorities to act. {HOSTILE}")
    record_status_update(
        recommendation=rec, author=demo.focalpoint, status="in_progress", note=f"Progress noted. {HOSTILE}",
        visibility=StatusUpdate.Visibility.SHARED,
    )
    for audience in ("council", "secretariat"):
        context = build_report_context(mandate=demo.mandate, audience=audience, today=REPORT_DAY)
        data, _ = render_report_pdf(context)
        _assert_nothing_fetched(data)
        # Printed as the words it is, escaped: twice (the text and the note), and the first
        # element once more in the first page's one-line excerpt of the text. Lines may break
        # inside a URL, so compare without whitespace.
        text = "".join(pdf_text(data).split())
        assert "<imgsrc=" in text
        assert text.count('<imgsrc="file:///etc/passwd">') == 3
        assert text.count('<linkrel="attachment"href="file:///etc/passwd">') == 2
        assert text.count('<imgsrc="http://127.0.0.1:9/x.png">') == 2

