"""Cutting a long text for one line of a report or an email: at a word, never inside one."""

from __future__ import annotations

import re

ELLIPSIS = "..."


def one_line(text: str) -> str:
    """The text with every run of whitespace (line breaks included) made one space."""
    return re.sub(r"\s+", " ", text or "").strip()


def excerpt(text: str, limit: int) -> str:
    """``text`` on one line, whole when it is at most ``limit`` characters; otherwise cut at
    the last word boundary before ``limit`` (a word longer than that is cut), trailing
    punctuation dropped, and "..." added. "Urge the authorities to returne..." never happens:
    "Urge the authorities to..." does."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS), 1)
    cut = text[: room + 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    else:
        cut = cut[:room]
    return cut.rstrip(" ,;:.-—(") + ELLIPSIS
