"""Helpers for the report tests: PDF text by page, and a demo with two distinctive updates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from recommendations.curation.services import record_status_update
from recommendations.models import StatusUpdate

# 34 days before the demo mandate's renewal (30 June 2023).
REPORT_DAY = dt.date(2023, 5, 27)
# Distinctive words, and no hyphen: a line may break after one, which the extracted text keeps
# as "- ", so the check would depend on the fonts installed.
SHARED_NOTE = "Shared note Bamako 7731: the electoral law draft now has a 30 percent clause."
INTERNAL_NOTE = "Internal note Kidal 5519: the minister's office has not answered our letters."


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, whitespace collapsed, so assertions do not depend on line breaks."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def with_updates(demo):
    """R01 gets a shared update from UN Women's focal point, R02 an internal one."""
    r01, r02 = demo.recommendations[0], demo.recommendations[1]
    record_status_update(
        recommendation=r01, author=demo.focalpoint, status="in_progress", note=SHARED_NOTE,
        evidence=["S/2023/236"], visibility=StatusUpdate.Visibility.SHARED,
    )
    record_status_update(
        recommendation=r02, author=demo.secretariat, status="partial", note=INTERNAL_NOTE,
        visibility=StatusUpdate.Visibility.INTERNAL,
    )
    return demo


def grow_mali(demo, total: int = 300) -> None:
    """Bring Mali to ``total`` recommendations, each new one owned by UN Women, linked to a
    paragraph of the demo mandate and given one shared and one internal update."""
    from tests import factories

    briefing = factories.make_briefing(demo.mali, demo.mandate, issued_on=dt.date(2023, 4, 15))
    extra = factories.make_recommendations(briefing, total - 12, owners=[demo.un_women])
    for i, rec in enumerate(extra):
        record_status_update(
            recommendation=rec, author=demo.focalpoint, status="in_progress", note=f"Shared progress {i}.",
            visibility=StatusUpdate.Visibility.SHARED,
        )
        record_status_update(
            recommendation=rec, author=demo.secretariat, status="partial", note=f"Internal remark {i}.",
        )
