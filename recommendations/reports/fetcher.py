"""The only URL fetcher WeasyPrint gets: the app's own static files, nothing else.

Text in the database is escaped before it reaches the renderer, so no stored text should be
able to become an element that loads something. This fetcher is the second wall: even if a
template someday printed stored text raw, an ``<img src="file:///etc/passwd">`` or a
``<link rel="attachment" href="http://...">`` would be refused here, not read. WeasyPrint
treats a raised exception as a failed fetch (a warning, nothing embedded).
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A fixed, unroutable origin (RFC 2606 ".invalid"): relative URLs in the report resolve here
# and nowhere else; nothing is ever requested from it over the network.
REPORT_BASE_URL = "https://report.wpsfollowup.invalid/"


class FetchRefused(ValueError):
    """The report asked for something other than one of the app's static files."""


def _static_prefix() -> str:
    return urljoin(REPORT_BASE_URL, settings.STATIC_URL)


def static_report_url(relative: str) -> str:
    """The URL under which the fetcher serves the static file ``relative`` ("css/report.css")."""
    return _static_prefix() + relative


def find_static_file(relative: str) -> Path | None:
    """The file of the static file ``relative`` ("css/report.css"), or None."""
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if found:
        return Path(found)
    # After collectstatic, in production, the files live under STATIC_ROOT only.
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / relative).resolve()
    if candidate.is_file() and candidate.is_relative_to(root):
        return candidate
    return None


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves URLs under ``REPORT_BASE_URL`` + STATIC_URL from the staticfiles finders (or
    STATIC_ROOT); refuses every other URL (file:, http:, https: elsewhere, data:, ftp:),
    and never follows redirects because it never opens a connection."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = _static_prefix()
        if not url.startswith(prefix):
            raise FetchRefused(f"Refused {url[:100]!r}: a report loads only the app's own static files.")
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raise FetchRefused(f"Refused {url[:100]!r}: static file URLs carry no query or fragment.")
        relative = unquote(parts.path[len(urlsplit(prefix).path):])
        normalised = posixpath.normpath(relative)
        if relative != normalised or normalised.startswith(("/", "..")) or "\\" in relative or "\x00" in relative:
            raise FetchRefused(f"Refused {url[:100]!r}: not a plain static file path.")
        path = find_static_file(normalised)
        if path is None:
            raise FetchRefused(f"Refused {url[:100]!r}: no such static file.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})
