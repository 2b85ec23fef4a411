"""Bytes to text: decoding an upload, cleaning inline markup and footnote markers, dates."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy as _

from recommendations.importing.parsed import MAX_NOTE_BYTES, NoteError

# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"

# Files people upload by mistake instead of the text export; named so the error says so.
_KNOWN_BINARY_SIGNATURES = (
    (b"PK\x03\x04", _("the file is a ZIP or Word (.docx) file, not plain text")),
    (b"\xd0\xcf\x11\xe0", _("the file is a Word (.doc) or other Office file, not plain text")),
    (b"\xff\xfe", _("the file is UTF-16 text; save it as UTF-8")),
    (b"\xfe\xff", _("the file is UTF-16 text; save it as UTF-8")),
)

# C0 controls that text never holds (tab, LF, VT, FF and CR are fine: FF is pdftotext's
# page break).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _line_of_offset(data: bytes, offset: int) -> int:
    """1-based line of byte ``offset``, counting CRLF, CR and LF each as one line end."""
    prefix = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return prefix.count(b"\n") + 1


def decode_note(data: bytes) -> str:
    """Decode an uploaded note to text with ``\\n`` line ends; a PDF (``%PDF-``) gives its
    extracted text (see :mod:`recommendations.importing.pdf`).

    Raises :class:`NoteError` when the file is empty, larger than :data:`MAX_NOTE_BYTES`,
    binary (a NUL or other control byte, or a known binary format), or not UTF-8 (naming the
    line that holds the bad byte). Strips a UTF-8 byte order mark; turns CRLF and CR into LF.
    """
    if not data:
        raise NoteError(_("the file is empty"))
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(
            _("the file is %(size)s bytes; an update note may be at most %(limit)s bytes (5 MB)")
            % {"size": f"{len(data):,}", "limit": f"{MAX_NOTE_BYTES:,}"}
        )
    if data.lstrip()[:5] == b"%PDF-":
        from recommendations.importing.pdf import pdf_to_text

        return pdf_to_text(data)
    for signature, what in _KNOWN_BINARY_SIGNATURES:
        if data.startswith(signature):
            raise NoteError(str(what), line=1)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NoteError(
            _("the file is binary (it holds a NUL byte), not text"), line=_line_of_offset(data, nul)
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise NoteError(
            _("the file is not UTF-8 text (byte 0x%(byte)s cannot be decoded); save it as UTF-8") % {"byte": bad},
            line=_line_of_offset(data, exc.start),
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL_CHARS.search(text)
    if control:
        raise NoteError(
            _("the file is binary (it holds control character U+%(code)s), not text")
            % {"code": f"{ord(control.group()):04X}"},
            line=text.count("\n", 0, control.start()) + 1,
        )
    return text



# --------------------------------------------------------------------------------------
# Inline text: markup, footnote markers, whitespace
# --------------------------------------------------------------------------------------

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_MARKER = re.compile(f"[{_SUPERSCRIPT_DIGITS}]+")
# A footnote's own text: a line that begins with its superscript number.
_FOOTNOTE_LINE = re.compile(rf"^[{_SUPERSCRIPT_DIGITS}]+\s*\S")

# Order matters: links first (their text may hold escaped brackets), then emphasis, then
# the backslash escapes that the Markdown converter added. A span may not hold its own
# opening character, so that a 5 MB line of unmatched "[" or "**" stays linear.
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[((?:\\.|[^\[\]\\])*)\]\([^()\s]*\)"), r"\1"),  # [2467 \(2019\)](#)
    (re.compile(r"\*\*(?=[^*\s])([^*]+)(?<=\S)\*\*"), r"\1"),  # **bold**
    (re.compile(r"__(?=[^_\s])([^_]+)(?<=\S)__"), r"\1"),  # __bold__
    (re.compile(r"(?<![\w*])\*(?=[^*\s])([^*]+)(?<=\S)\*(?![\w*])"), r"\1"),  # *italic*
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),  # \( -> (
    (_FOOTNOTE_MARKER, ""),
    (re.compile(r"\s+"), " "),
)


_MARKUP_CHARS = frozenset("[*_\\" + _SUPERSCRIPT_DIGITS)


def clean_text(text: str) -> str:
    """Remove link and emphasis markup and footnote markers; collapse whitespace."""
    if _MARKUP_CHARS.isdisjoint(text):
        return " ".join(text.split())  # most text has no markup: skip the regexes
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return text.strip()


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"

# Each form has the same named groups; "month" is a name or a number.
_DATE_FORMS = (
    rf"(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})",  # 28 March 2023
    rf"{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})",  # March 28th 2023
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})",  # 2023-03-28
    r"(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})",  # 28/03/2023 (UN: day first)
)
_DATE_PATTERNS = tuple(re.compile(rf"\b{form}\b", re.IGNORECASE) for form in _DATE_FORMS)
_MONTH_YEAR = re.compile(
    rf"\b(?:\d{{1,2}}{_ORDINAL}\s+)?{_MONTH}\s+(?:\d{{1,2}}{_ORDINAL},?\s+)?(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)


def _month_number(value: str) -> int:
    return int(value) if value.isdigit() else _MONTHS[value.lower()]


def _date_of(match: re.Match[str], line: int | None) -> date:
    try:
        return date(int(match["year"]), _month_number(match["month"]), int(match["day"]))
    except ValueError:
        raise NoteError(_("%(date)r is not a valid date") % {"date": match.group()}, line=line) from None


def _search_date(text: str) -> re.Match[str] | None:
    """The first date in ``text`` in any accepted form (earliest position wins)."""
    matches = [m for pattern in _DATE_PATTERNS if (m := pattern.search(text))]
    return min(matches, key=lambda m: m.start()) if matches else None


def parse_date(text: str) -> date | None:
    """The first date written in ``text`` ("28 March 2023", "March 28th 2023", "2023-03-28",
    "28/03/2023"), or ``None``. Raises :class:`NoteError` for an impossible date."""
    match = _search_date(text)
    return _date_of(match, None) if match else None
