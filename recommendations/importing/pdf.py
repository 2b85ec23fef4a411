"""A note's PDF to the text the parser reads: lines in reading order, a blank line between
paragraphs, list indentation kept as leading spaces, footnote markers as superscript digits,
and without the page furniture (running headers, footers, page numbers) or footnote text.

Pure: pypdf and the standard library only. Text positions come from pypdf's text visitor;
everything else (lines, paragraphs, furniture) is decided here from positions and sizes, so
the result does not depend on how a given PDF writer orders its drawing operations.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from recommendations.importing.layout import _PAGE_NUMBER_LINE
from recommendations.importing.parsed import NoteError

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

# A fragment that starts with one of these follows the one before it without a space.
_NO_SPACE_BEFORE = tuple(".,;:!?)]’”'/%")
_FOOTNOTE_START = re.compile(r"^\s*(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\[\d{1,3}\]|\d{1,3}[.)]?\s|\*)")
_MARKER_START = re.compile(r"^\s*(?:[-–—−‐‑•●▪■◦·○\uf000-\uf0ff*]\s|\(?[a-z]{1,4}\)|\d{1,3}[.)])")
# Word's second-level "o" starts an item only when indented: at the margin it is a word.
_O_START = re.compile(r"^\s*o\s")
_TERMINAL = re.compile(r"[.:;!?…]['\"”’)]*$")


@dataclass
class _Fragment:
    x: float
    y: float  # baseline, growing upwards
    size: float
    text: str


@dataclass
class _Line:
    y: float
    size: float  # size of the line's main text
    fragments: list[_Fragment] = field(default_factory=list)
    text: str = ""

    @property
    def x(self) -> float:
        return self.fragments[0].x


def _page_fragments(page) -> list[_Fragment]:
    fragments: list[_Fragment] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        # Text space origin to page space: tm then cm.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3] + tm[2] * cm[1]) or abs(tm[0] * cm[0]) or 1.0
        size = font_size * scale
        for offset, piece in enumerate(text.split("\n")):
            if piece.strip():
                fragments.append(_Fragment(x, y - offset * size * 1.2, size, piece))

    page.extract_text(visitor_text=visit)
    return fragments


def _lines(fragments: list[_Fragment]) -> list[_Line]:
    """Fragments grouped into visual lines, top to bottom, each left to right; a smaller
    raised fragment of digits is a footnote marker and becomes superscript digits."""
    lines: list[_Line] = []
    for fragment in sorted(fragments, key=lambda f: (-f.y, f.x)):
        for line in lines[-3:]:
            if abs(line.y - fragment.y) <= 0.55 * max(line.size, fragment.size):
                line.fragments.append(fragment)
                if fragment.size > line.size:
                    line.size, line.y = fragment.size, fragment.y
                break
        else:
            lines.append(_Line(fragment.y, fragment.size, [fragment]))
    for line in lines:
        line.fragments.sort(key=lambda f: f.x)
        parts: list[str] = []
        for fragment in line.fragments:
            text = fragment.text
            raised = fragment.y > line.y + 0.1 * line.size
            if fragment.size < 0.85 * line.size and raised and re.fullmatch(r"\s*\d{1,3}\s*", text):
                parts.append(text.strip().translate(_SUPERSCRIPTS))
                continue
            if parts and not parts[-1].endswith((" ", "(", "[", "“", "‘", "/")) and not text.startswith((" ", *_NO_SPACE_BEFORE)):
                parts.append(" ")
            parts.append(text)
        line.text = " ".join("".join(parts).split())
    return [line for line in lines if line.text]


def _normalised(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _furniture(pages: list[list[_Line]]) -> set[tuple[int, int]]:
    """(page, line) of running headers and footers: page numbers, and lines at the top or
    bottom of pages that recur (digits aside) on several pages."""
    edge = 3
    recurring: Counter[str] = Counter()
    for lines in pages:
        seen = {_normalised(line.text) for line in lines[:edge] + lines[-edge:]}
        recurring.update(seen)
    threshold = max(2, (len(pages) + 2) // 3)
    found = set()
    for p, lines in enumerate(pages):
        for i, line in enumerate(lines):
            at_edge = i < edge or i >= len(lines) - edge
            if _PAGE_NUMBER_LINE.match(line.text) or (
                at_edge and len(pages) > 1 and recurring[_normalised(line.text)] >= threshold
                and len(line.text.split()) <= 15
            ):
                found.add((p, i))
    return found


def _footnote_start(lines: list[_Line]) -> int:
    """Index where the page's footnotes begin (``len(lines)`` when it has none): the last run
    of lines smaller than the page's main text that starts with a footnote number."""
    if not lines:
        return 0
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    main = sizes.most_common(1)[0][0]
    start = len(lines)
    while start > 0 and lines[start - 1].size < 0.92 * main:
        start -= 1
    while start < len(lines) and not _FOOTNOTE_START.match(lines[start].text):
        start += 1
    return start


def _is_full(line: _Line, typical: float) -> bool:
    return len(line.text) >= 0.8 * typical


def pdf_to_text(data: bytes) -> str:
    """The text of a note's PDF, for :func:`parse_note`. Raises :class:`NoteError` when the
    file cannot be read as a PDF or holds no text (a scan)."""
    import pypdf  # imported here: only PDFs need it
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [_lines(_page_fragments(page)) for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, NotImplementedError) as exc:
        raise NoteError(
            _("the PDF cannot be read (%(error)s); export it again or upload its text") % {"error": exc.__class__.__name__}
        ) from None
    if not any(pages):
        raise NoteError(_("the PDF holds no text (a scanned image?); upload its text instead"))

    furniture = _furniture(pages)
    body = [
        [line for i, line in enumerate(lines) if (p, i) not in furniture] for p, lines in enumerate(pages)
    ]
    body = [lines[: _footnote_start(lines)] for lines in body]
    flat = [line for lines in body for line in lines]
    if not flat:
        raise NoteError(_("the PDF holds no text (a scanned image?); upload its text instead"))
    margin = Counter(round(line.x) for line in flat).most_common(1)[0][0]
    margin = min(margin, min(line.x for line in flat))
    gaps = [
        a.y - b.y for lines in body for a, b in itertools.pairwise(lines)
        if 0 < a.y - b.y < 2.2 * max(a.size, b.size) and abs(a.size - b.size) < 0.5
    ]
    pitch = statistics.median(gaps) if gaps else 1.2 * statistics.median(line.size for line in flat)
    typical = statistics.median(len(line.text) for line in flat)
    sizes: Counter[float] = Counter()
    for line in flat:
        sizes[round(line.size, 1)] += len(line.text)
    body_size = sizes.most_common(1)[0][0] or 1.0

    out: list[str] = []
    previous: _Line | None = None
    for lines in body:
        for index, line in enumerate(lines):
            if previous is not None:
                if index == 0:  # a page break: a paragraph break unless a sentence runs on
                    runs_on = (
                        _is_full(previous, typical)
                        and not _TERMINAL.search(previous.text)
                        and not _MARKER_START.match(line.text)
                        and not (_O_START.match(line.text) and line.x - margin >= 4)
                    )
                    if not runs_on:
                        out.append("")
                else:
                    gap = previous.y - line.y
                    ended = _TERMINAL.search(previous.text) and len(previous.text) < 0.7 * typical
                    # Lines of a bigger type (a title) stand further apart.
                    expected = pitch * max(1.0, max(previous.size, line.size) / body_size)
                    if gap > 1.4 * expected or ended or abs(previous.size - line.size) > 0.15 * line.size:
                        out.append("")
            indent = max(0, round((line.x - margin) / 4))
            out.append(" " * indent + line.text)
            previous = line
    return "\n".join(out) + "\n"
