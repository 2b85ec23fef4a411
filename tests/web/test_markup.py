"""Markup rules of UI.md checked on every page: one h1, headings in order, a label for
every field, a caption on every table, the skip link first."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.fields: list[str] = []  # ids of visible form fields
        self.labels: set[str] = set()
        self.tables = 0
        self.captions = 0
        self.links: list[str] = []
        self._in_summary = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4") and not self._in_summary:
            self.headings.append(int(tag[1]))
        if "data-error-summary" in attrs:
            self._in_summary = 1
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append(attrs.get("id", ""))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "div" and self._in_summary:
            self._in_summary = 0


PAGES = [
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/accounts/password-reset/"),
    ("secretariat", "/"),
    ("focalpoint", "/"),
    ("secretariat", "/recommendations/"),
    ("secretariat", "/recommendations/?situation=999999"),
    ("secretariat", "detail"),
    ("mission", "detail"),
    ("expert", "detail"),
    ("secretariat", "mandate"),
    ("secretariat", "/import/"),
]


@pytest.mark.parametrize("persona,url", PAGES)
def test_page_markup(world, as_user, persona, url):
    url = {"detail": f"/recommendations/{world.rec.pk}/", "mandate": f"/mandates/{world.mandate.pk}/"}.get(url, url)
    response = as_user(persona).get(url)
    assert response.status_code in (200, 400)
    outline = Outline()
    outline.feed(response.content.decode())
    assert outline.headings.count(1) == 1 and outline.headings[0] == 1, outline.headings
    for before, after in zip(outline.headings, outline.headings[1:]):
        assert after <= before + 1, f"heading h{after} after h{before} on {url}"
    unlabelled = [f for f in outline.fields if f not in outline.labels]
    assert not unlabelled, f"fields without a label on {url}: {unlabelled}"
    assert outline.tables == outline.captions, f"{outline.tables} tables, {outline.captions} captions on {url}"
    assert outline.links[0] == "#main"  # the skip link comes first
