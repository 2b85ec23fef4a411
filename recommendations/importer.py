"""Parse the text of an IEG update note into plain dataclasses.

This module is pure: standard library only, no Django models, no database. The service that
saves a note calls :func:`parse_note_bytes` (or :func:`decode_note` then :func:`parse_note`)
and gets either a :class:`ParsedNote` or a :class:`NoteError` that says what is wrong and on
which line (1-based, counted in the file as uploaded, whatever its line endings).

The input is a PDF converted to text (see ``shared/samples/ieg-update-mali-2023-03-28.txt``).
Its layout is loose, so the parser works in three steps:

1. *Lines to units.* Blank lines, footnote lines (``¹ MINUSMA's Gender Affairs ...``) and
   page breaks are resolved: each non-blank line either starts a new unit (it carries a list
   marker, or follows a blank line at a paragraph boundary) or continues the previous unit
   (it follows without a blank line, or the blank line is a page break in mid-sentence).
2. *Sections.* The title line (with the date of issue), the narrative (for the dates of
   earlier IEG meetings), the "Recommendations" section and the "ANNEX" that quotes the
   mandate.
3. *Meaning.* Which units are recommendations and whom each asks to act; which units are
   preambular or operative paragraphs of the mandate and which are their sub-items.

Every rule that names words (markers, verbs, addressees, openers) is a table near the top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "ADDRESSEES",
    "MAX_NOTE_BYTES",
    "NoteError",
    "ParsedMandate",
    "ParsedNote",
    "ParsedParagraph",
    "ParsedRecommendation",
    "classify_addressee",
    "clean_text",
    "decode_note",
    "parse_date",
    "parse_note",
    "parse_note_bytes",
]

MAX_NOTE_BYTES = 5 * 1024 * 1024

ADDRESSEES = ("security_council", "host_authorities", "mission", "un_partners", "council_members")


class NoteError(ValueError):
    """Bad input: ``.message`` says what is wrong, ``.line`` where (1-based) or ``None``.

    ``str(e)`` is ``"line {line}: {message}"``, or just the message when there is no line.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class ParsedParagraph:
    """One quoted paragraph of the mandate, or one sub-item ("a", "b", ...) of a paragraph."""

    kind: str  # "preambular" | "operative"
    number: str  # operative: "26"; preambular: ordinal "1", "2", ... in document order
    sub_item: str  # "" for the paragraph itself; "a", "b", ... for its items
    text: str  # whole text, page breaks joined, markup and footnote markers removed
    position: int  # 1..N in document order over all rows of the mandate
    line: int  # line where it starts


@dataclass(frozen=True)
class ParsedMandate:
    """The resolution the ANNEX quotes, and the paragraphs it quotes."""

    symbol: str  # "S/RES/2640 (2022)"
    number: int
    year: int
    mission: str  # "MINUSMA"
    expires_on: date  # the renewal deadline: "... until 30 June 2023"
    paragraphs: tuple[ParsedParagraph, ...]
    line: int = 0  # line of the heading that names the resolution


@dataclass(frozen=True)
class ParsedRecommendation:
    """One recommendation: its whole text (marker removed, markup cleaned) and addressee."""

    text: str
    addressee: str  # one of ADDRESSEES
    line: int


@dataclass(frozen=True)
class ParsedNote:
    """The whole note: title, date, earlier meetings, recommendations and the mandate."""

    title: str  # "Update on women, peace and security in Mali"
    situation: str  # "Mali"
    issued_on: date
    earlier_meetings: tuple[str, ...]  # "YYYY-MM", in the order the note gives them
    recommendations: tuple[ParsedRecommendation, ...]
    mandate: ParsedMandate


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"

# Files people upload by mistake instead of the text export; named so the error says so.
_KNOWN_BINARY_SIGNATURES = (
    (b"%PDF-", "a PDF file; convert it to text first"),
    (b"PK\x03\x04", "a ZIP or Word (.docx) file, not plain text"),
    (b"\xd0\xcf\x11\xe0", "a Word (.doc) or other Office file, not plain text"),
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8"),
)

# C0 controls that text never holds (tab, LF, VT, FF and CR are fine: FF is pdftotext's
# page break).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _line_of_offset(data: bytes, offset: int) -> int:
    """1-based line of byte ``offset``, counting CRLF, CR and LF each as one line end."""
    prefix = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return prefix.count(b"\n") + 1


def decode_note(data: bytes) -> str:
    """Decode an uploaded note to text with ``\\n`` line ends.

    Raises :class:`NoteError` when the file is empty, larger than :data:`MAX_NOTE_BYTES`,
    binary (a NUL or other control byte, or a known binary format), or not UTF-8 (naming the
    line that holds the bad byte). Strips a UTF-8 byte order mark; turns CRLF and CR into LF.
    """
    if not data:
        raise NoteError("the file is empty")
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(
            f"the file is {len(data):,} bytes; an update note may be at most "
            f"{MAX_NOTE_BYTES:,} bytes (5 MB)"
        )
    for signature, what in _KNOWN_BINARY_SIGNATURES:
        if data.startswith(signature):
            raise NoteError(f"the file is {what}", line=1)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NoteError(
            "the file is binary (it holds a NUL byte), not text", line=_line_of_offset(data, nul)
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise NoteError(
            f"the file is not UTF-8 text (byte 0x{bad} cannot be decoded); save it as UTF-8",
            line=_line_of_offset(data, exc.start),
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL_CHARS.search(text)
    if control:
        raise NoteError(
            f"the file is binary (it holds control character U+{ord(control.group()):04X}), "
            "not text",
            line=text.count("\n", 0, control.start()) + 1,
        )
    return text


def parse_note_bytes(data: bytes) -> ParsedNote:
    """:func:`decode_note` then :func:`parse_note`."""
    return parse_note(decode_note(data))


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
        raise NoteError(f"{match.group()!r} is not a valid date", line=line) from None


def _search_date(text: str) -> re.Match[str] | None:
    """The first date in ``text`` in any accepted form (earliest position wins)."""
    matches = [m for pattern in _DATE_PATTERNS if (m := pattern.search(text))]
    return min(matches, key=lambda m: m.start()) if matches else None


def parse_date(text: str) -> date | None:
    """The first date written in ``text`` ("28 March 2023", "March 28th 2023", "2023-03-28",
    "28/03/2023"), or ``None``. Raises :class:`NoteError` for an impossible date."""
    match = _search_date(text)
    return _date_of(match, None) if match else None


# --------------------------------------------------------------------------------------
# Step 1: lines to units
# --------------------------------------------------------------------------------------

# List markers, tried in order. "bullet": dash-like or symbol items; "number": 3. or 3);
# "letter": (a), a), (iv). A dash needs no space after it ("-to encourage" in the sample);
# a star does, so that "*italic*" at the start of a line is not taken for a bullet.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bullet", re.compile(r"^(?P<marker>[-–—−‐‑•●▪■◦·○])\s*(?=\S)")),
    ("bullet", re.compile(r"^(?P<marker>\*)\s+(?=\S)")),
    ("number", re.compile(r"^(?P<marker>(?P<label>\d{1,3})[.)])\s+(?=\S)")),
    ("letter", re.compile(r"^(?P<marker>\((?P<label>[a-z]|[ivxl]{1,5})\))\s*(?=\S)")),
    ("letter", re.compile(r"^(?P<marker>(?P<label>[a-z]|[ivxl]{1,5})\))\s+(?=\S)")),
)

# Words a sentence cannot end on: a chunk ending on one was cut by a page break.
_DANGLING_WORDS = frozenset(
    """a an the of to in for with by on at from into onto upon and or nor but as that which
    who whose whom its their his her our this these those such including between among
    than per via within without under over across through about towards toward is are was
    were be been being has have had will shall should would could may might must not also
    both all any each every other""".split()
)

# Capitalised words that open a new paragraph rather than carry on a cut sentence. Words
# ending in -ing/-ly are preambular openers ("Recalling", "Strongly condemning") and are
# matched by a pattern instead.
_SENTENCE_OPENERS = frozenset(
    """In The This These That Those It Its Members Member Finally Additionally Further
    Furthermore Moreover However Also As At For On To We They A An Since During Despite
    Although While Given Following Ahead Before After When Where If Overall Lastly Please
    Urge Request Call Decide Renew Mandate Encourage Demand Ask Invite Extend Maintain Retain
    Include Ensure Reaffirm Consider Direct Task Support Welcome Condemn Express Recall
    Emphasize Emphasise Stress Recognize Recognise Note Notes Calls Urges Requests Decides
    Welcomes Encourages Reaffirms Condemns Expresses Emphasizes Stresses""".split()
)
_PARTICIPLE_OPENER = re.compile(r"^[A-Z][a-z]+(?:ing|ly)$")

# An unmarked one-line chunk this short with no final punctuation is a heading.
_HEADING_MAX_WORDS = 12

_TERMINAL = re.compile(r"[.!?:;,…]$")
_CLOSERS = "\"'”’»)]*_"


@dataclass
class _Unit:
    """A logical paragraph or list item, assembled from one or more lines."""

    line: int
    kind: str | None  # None, "bullet", "number" or "letter"
    label: str  # "26", "a", "iv"; "" for bullets and unmarked units
    marker: str  # the marker as written: "-", "26.", "(i)"
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return clean_text(" ".join(self.parts))

    @property
    def text_with_marker(self) -> str:
        return clean_text(" ".join([self.marker, *self.parts]))


def _match_marker(line: str) -> tuple[str, str, str, str] | None:
    """(kind, label, marker, rest) when ``line`` starts with a list marker."""
    for kind, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            label = match.groupdict().get("label") or ""
            return kind, label, match["marker"], line[match.end() :]
    return None


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip(_CLOSERS + " "))) or text.endswith("...)")


def _is_heading_like(unit: _Unit) -> bool:
    if unit.kind is not None or len(unit.parts) != 1:
        return False
    text = unit.text
    return len(text.split()) <= _HEADING_MAX_WORDS and not _ends_sentence(text)


def _first_word(text: str) -> str:
    words = clean_text(text).split()
    return words[0].strip("\"'“‘(") if words else ""


def _continues_after_blank(previous: _Unit, chunk: str) -> bool:
    """Whether ``chunk`` (unmarked, after a blank line) is the rest of ``previous`` cut by a
    page break rather than a new paragraph."""
    first = _first_word(chunk)
    if not first:
        return False
    if first[0].islower():
        return True
    # Only the last part matters here; cleaning the whole unit each time would be quadratic.
    before = clean_text(previous.parts[-1])
    if _ends_sentence(before) or _is_heading_like(previous):
        return False
    last_words = before.split()
    if last_words and last_words[-1].lower() in _DANGLING_WORDS:
        return True
    return first not in _SENTENCE_OPENERS and not _PARTICIPLE_OPENER.match(first)


def _units(lines: list[tuple[int, str]]) -> list[_Unit]:
    """Assemble (line number, raw line) pairs into units.

    Footnote lines are dropped with the lines that wrap them; a dropped footnote counts as a
    blank line, so a footnote between two halves of a sentence does not stop them joining.
    """
    units: list[_Unit] = []
    blank_before = True
    in_footnote = False
    for number, raw in lines:
        line = raw.strip()
        if not line:
            blank_before, in_footnote = True, False
            continue
        if _FOOTNOTE_LINE.match(line):
            blank_before, in_footnote = True, True
            continue
        marked = _match_marker(line)
        if in_footnote and not marked:
            continue  # the footnote text wraps onto this line
        in_footnote = False
        if marked:
            kind, label, marker, rest = marked
            units.append(_Unit(number, kind, label, marker, [rest]))
        elif units and (not blank_before or _continues_after_blank(units[-1], line)):
            units[-1].parts.append(line)
        else:
            units.append(_Unit(number, None, "", "", [line]))
        blank_before = False
    return units


# --------------------------------------------------------------------------------------
# Step 2: sections
# --------------------------------------------------------------------------------------

_HEADING_DECORATION = re.compile(r"^[#\s]+|[*_]{2}")
_RECOMMENDATIONS_HEADING = re.compile(
    r"^(?:key\s+|main\s+|proposed\s+)?recommendations?\b[^.!?]*$", re.IGNORECASE
)
_ANNEX_HEADING = re.compile(
    r"^(?:ANNEX|Annex)(?:\s+(?:[IVX]+|\d+|[A-Z]))?\s*(?:[:.–—-]\s*(?P<rest>.*))?$"
)
_RESOLUTION = re.compile(
    r"(?:\bresolution\s+|\bS/RES/)(?P<number>\d{3,5})\s*\(\s*(?P<year>\d{4})\s*\)", re.IGNORECASE
)
_MISSION = re.compile(
    r"\bmandates?\s+of\s+(?:the\s+)?"
    r"(?:[^()]*?\(\s*(?P<acronym>[A-Z][A-Za-z0-9-]{1,38})\s*\)|(?P<name>[A-Z][A-Za-z0-9-]{1,38}))"
)
_EXPIRY = re.compile(r"\b(?:until|to|through|till)\s+(?P<rest>.*)$", re.IGNORECASE)


def _heading_text(line: str) -> str:
    return clean_text(_HEADING_DECORATION.sub("", line))


def _is_recommendations_heading(line: str) -> bool:
    text = _heading_text(line)
    return (
        bool(_RECOMMENDATIONS_HEADING.match(text)) and len(text.split()) <= _HEADING_MAX_WORDS
    )


def _annex_heading(line: str) -> re.Match[str] | None:
    return _ANNEX_HEADING.match(_heading_text(line))


@dataclass(frozen=True)
class _Sections:
    title: int  # index into lines
    recommendations: int
    annex: int | None


def _find_sections(lines: list[str]) -> _Sections:
    title = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title is None:
        raise NoteError("the note has no text")
    annex = next((i for i in range(title + 1, len(lines)) if _annex_heading(lines[i])), None)
    end = annex if annex is not None else len(lines)
    recommendations = next(
        (i for i in range(title + 1, end) if _is_recommendations_heading(lines[i])), None
    )
    if recommendations is None:
        where = " before the ANNEX" if annex is not None else ""
        raise NoteError(
            f"no 'Recommendations' section{where}: expected a heading line such as "
            "'Recommendations:'",
            line=annex + 1 if annex is not None else None,
        )
    return _Sections(title, recommendations, annex)


# Title: "Update on women, peace and security in Mali March 28th 2023". The situation is
# what follows "security in", else the last "in".
_SITUATION_RULES = (
    re.compile(r"\bsecurity\s+in\s+(?:the\s+)?(?P<situation>.+)$", re.IGNORECASE),
    re.compile(r".*\bin\s+(?:the\s+)?(?P<situation>.+)$", re.IGNORECASE),
    re.compile(r".*[:–—]\s*(?:the\s+)?(?P<situation>.+)$", re.IGNORECASE),
)
_TITLE_TRAILER = re.compile(r"[\s,;:()\[\]–—-]+$")


def _parse_title(lines: list[str], index: int) -> tuple[str, str, date, int]:
    """(title, situation, issued_on, index of the last title line)."""
    number = index + 1
    text = _heading_text(lines[index])
    match = _search_date(text)
    last = index
    if match and not text[match.end() :].strip(" ,.;:()[]"):
        title = text[: match.start()]
    else:
        # The date may sit alone on the next non-blank line.
        following = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        alone = _heading_text(lines[following]) if following is not None else ""
        match = _search_date(alone)
        if not match or len(alone.split()) > 5:
            raise NoteError(
                f"the title {text[:80]!r} has no date of issue; expected e.g. "
                "'Update on women, peace and security in Mali 28 March 2023'",
                line=number,
            )
        title, last = text, following
    issued_on = _date_of(match, last + 1)
    title = _TITLE_TRAILER.sub("", title).strip()
    for rule in _SITUATION_RULES:
        found = rule.search(title)
        if found:
            return title, _TITLE_TRAILER.sub("", found["situation"]), issued_on, last
    raise NoteError(f"the title {title!r} names no situation ('... in Mali')", line=number)


_MEETING_CONTEXT = re.compile(r"\b(?:IEG|Informal Expert Group|Expert Group)\b", re.IGNORECASE)
_MEETING_VERB = re.compile(r"\b(?:discuss\w*|met|meet\w*|consider\w*|brief\w*)\b", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _earlier_meetings(units: list[_Unit]) -> tuple[str, ...]:
    """Months of earlier IEG meetings ("YYYY-MM") from the first narrative sentence that says
    when the IEG met or discussed the situation; none when no sentence does."""
    for unit in units:
        text = unit.text
        if not _MEETING_CONTEXT.search(text):
            continue
        for sentence in _SENTENCE_SPLIT.split(text):
            if not _MEETING_VERB.search(sentence):
                continue
            months = [
                f"{int(m['year']):04d}-{_month_number(m['month']):02d}"
                for m in _MONTH_YEAR.finditer(sentence)
            ]
            if months:
                return tuple(dict.fromkeys(months))
    return ()


# --------------------------------------------------------------------------------------
# Step 3a: recommendations and their addressees
# --------------------------------------------------------------------------------------

# Adverbial openings that come before the subject: "In addition, members of ...".
_LEAD_IN = re.compile(
    r"^(?:(?:In|At|During|For|Finally|Further(?:more)?|Additionally|Also|Moreover|Lastly|"
    r"Ahead of|Before|When|Given|Building on|As part of)\b[^,:;]{0,200},\s*)+"
)
_MODAL = (
    r"(?:should|could|may(?:\s+wish\s+to)?|might|must|will\s+want\s+to|"
    r"(?:is|are)\s+(?:encouraged|invited|requested|urged)\s+to)"
)
_MODAL_RE = re.compile(rf"\b{_MODAL}\b", re.IGNORECASE)
_ASK_VERB = (
    r"(?:urg(?:e|es|ing)|call(?:s|ing)?\s+(?:up)?on|request(?:s|ing)?|encourag(?:e|es|ing)|"
    r"demand(?:s|ing)?|ask(?:s|ing)?|invit(?:e|es|ing)|direct(?:s|ing)?|mandat(?:e|es|ing)|"
    r"task(?:s|ing)?|authori[sz](?:e|es|ing)|support(?:s|ing)?|press(?:es|ing)?|"
    r"instruct(?:s|ing)?|empower(?:s|ing)?)"
)
_ASK = rf"(?:to\s+)?{_ASK_VERB}(?:\s+(?:and|or)\s+{_ASK_VERB})?\s+"
# Acts the Council does itself.
_COUNCIL_ACT = re.compile(
    r"^(?:to\s+)?(?:renew|extend|decide|maintain|retain|include|reaffirm|adopt|condemn|express|"
    r"recall|emphasi[sz]e|stress|recogni[sz]e|welcome|add|strengthen|expand|consider|reiterate|"
    r"underline|insert|keep|preserve|reflect|ensure|prioriti[sz]e|establish|impose|designate|"
    r"note|acknowledge|commend|deplore|highlight)\w*\b",
    re.IGNORECASE,
)
_WORD = r"(?!to\b)(?!and\b)[\w’'.-]+"

# Who is asked to act, in order: the first object (after an asking verb) or subject (before a
# modal) that matches decides. "{mission}" is the mission the ANNEX names.
_ADDRESSEE_RULES: tuple[tuple[str, str], ...] = (
    (
        "council_members",
        r"(?:individual\s+)?(?:the\s+)?(?:members\s+of\s+the\s+(?:Security\s+)?Council|"
        r"(?:Security\s+)?Council\s+members)",
    ),
    ("security_council", r"(?:the\s+)?(?:Security\s+)?Council"),
    (
        "mission",
        r"(?:the\s+)?(?:mission|peace(?:keeping)?\s+(?:mission|operation)|{mission}|"
        r"United\s+Nations\s+(?:[\w-]+\s+){0,5}?(?:Mission|Operation|Force))\b",
    ),
    (
        "un_partners",
        r"(?:the\s+)?(?:UN\b|United\s+Nations\b|Secretary-General|Secretariat|UNCT|"
        r"international\s+(?:partners|community|donors)|donors|partners|"
        r"humanitarian\s+(?:actors|partners)|UN\s+Women|UNDP|UNICEF|UNFPA|OHCHR|UNHCR)",
    ),
    (
        "host_authorities",
        rf"(?:the\s+)?(?:{_WORD}\s+){{0,5}}?(?:authorities|government)\b",
    ),
)
_DEFAULT_ADDRESSEE = "security_council"


def _opening(text: str) -> str:
    return _LEAD_IN.sub("", text, count=1)


def _addressee_patterns(mission: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    name = re.escape(mission) if mission else r"(?!x)x"
    return tuple(
        (
            addressee,
            re.compile(
                rf"^(?:{_ASK}(?:{object_})|(?:{object_})\s+(?:also\s+)?{_MODAL}\b)",
                re.IGNORECASE,
            ),
        )
        for addressee, template in _ADDRESSEE_RULES
        for object_ in [template.replace("{mission}", name)]
    )


def classify_addressee(text: str, mission: str = "") -> str:
    """Whom ``text`` asks to act, from its opening verb phrase (see ``_ADDRESSEE_RULES``).

    Later clauses ("..., and request the Mission to monitor") do not count. Language the
    Council would adopt itself ("Renew the mission's mandate", "Decide ...") and anything
    unmatched go to the Security Council.
    """
    opening = _opening(clean_text(text))
    for addressee, pattern in _addressee_patterns(mission):
        if pattern.match(opening):
            return addressee
    return _DEFAULT_ADDRESSEE


_BARE_FILLER = frozenset(
    "consider considering to the following include including language text additions "
    "elements recommendations points inter alia in its next resolution mandate renewal".split()
)


def _asks(text: str) -> bool:
    opening = _opening(text)
    return bool(
        _MODAL_RE.search(opening)
        or re.match(_ASK, opening, re.IGNORECASE)
        or _COUNCIL_ACT.match(opening)
    )


def _is_bare_intro(text: str) -> bool:
    """An introduction that asks nothing itself: "the Security Council should:", "The Council
    may wish to consider the following:"."""
    if not text.endswith(":"):
        return False
    body = _opening(text[:-1])
    modal = _MODAL_RE.search(body)
    ask = body[modal.end() :] if modal else body
    clauses = [c for c in re.split(r",\s*|\s+and\s+", ask) if c.strip()]
    while clauses and "following" in clauses[-1].lower():
        clauses.pop()
    words = [w for c in clauses for w in c.lower().split() if w not in _BARE_FILLER]
    return len(words) < 3


def _is_recommendation(unit: _Unit) -> bool:
    """Every list item is one; an unmarked paragraph is one when it asks something itself."""
    if unit.kind is not None:
        return bool(unit.text)
    text = unit.text
    return _asks(text) and not _is_bare_intro(text)


# --------------------------------------------------------------------------------------
# Step 3b: the mandate
# --------------------------------------------------------------------------------------

_ROMAN = re.compile(r"^[ivxl]+$")


@dataclass
class _Row:
    kind: str
    number: str
    sub_item: str
    line: int
    parts: list[str]


def _letter(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _parse_annex_heading(lines: list[str], annex: int) -> tuple[re.Match[str], str, int, int]:
    """(resolution match, heading text, heading line number, index after the heading)."""
    rest = _annex_heading(lines[annex])["rest"]
    if rest:
        heading, number, after = rest, annex + 1, annex + 1
    else:
        first = next((i for i in range(annex + 1, len(lines)) if lines[i].strip()), None)
        if first is None:
            raise NoteError("the ANNEX is empty: it names no resolution", line=annex + 1)
        after = first + 1
        # The heading may wrap onto adjacent lines.
        while after < len(lines) and lines[after].strip() and not _match_marker(lines[after].strip()):
            after += 1
        heading, number = " ".join(l.strip() for l in lines[first:after]), first + 1
    heading = clean_text(heading)
    resolution = _RESOLUTION.search(heading)
    if not resolution:
        raise NoteError(
            "the ANNEX names no resolution; expected a heading such as 'Relevant language in "
            "resolution 2640 (2022) extending the mandate of MINUSMA until 30 June 2023'",
            line=number,
        )
    return resolution, heading, number, after


def _parse_mandate(lines: list[str], annex: int) -> ParsedMandate:
    resolution, heading, heading_line, after = _parse_annex_heading(lines, annex)
    mission = _MISSION.search(heading, resolution.end())
    if not mission:
        raise NoteError(
            "the ANNEX heading names no mission ('... extending the mandate of MINUSMA ...'): "
            f"{heading!r}",
            line=heading_line,
        )
    expiry = _EXPIRY.search(heading, mission.end())
    expiry_date = _search_date(expiry["rest"]) if expiry else None
    if not expiry_date:
        raise NoteError(
            f"the ANNEX heading gives no expiry date ('... until 30 June 2023'): {heading!r}",
            line=heading_line,
        )
    body = [(i + 1, lines[i]) for i in range(after, len(lines))]
    rows = _mandate_rows(_units(body))
    if not rows:
        raise NoteError(
            f"resolution {resolution['number']} ({resolution['year']}) in the ANNEX quotes "
            "no paragraphs",
            line=heading_line,
        )
    number, year = int(resolution["number"]), int(resolution["year"])
    return ParsedMandate(
        symbol=f"S/RES/{number} ({year})",
        number=number,
        year=year,
        mission=mission["acronym"] or mission["name"],
        expires_on=_date_of(expiry_date, heading_line),
        paragraphs=rows,
        line=heading_line,
    )


def _mandate_rows(units: list[_Unit]) -> tuple[ParsedParagraph, ...]:
    """Paragraph and sub-item rows in document order.

    Unmarked units before the first numbered one are preambular paragraphs; numbered units
    are operative paragraphs; dash items and lettered items "(a)" are sub-items of the
    paragraph above; roman items "(i)" stay in the text of the paragraph (or item) above, as
    does any later unmarked text.
    """
    rows: list[_Row] = []
    parent: _Row | None = None
    items = 0
    preambular = 0
    for unit in units:
        expected = _letter(items)
        if unit.kind == "number":
            parent, items = _Row("operative", unit.label, "", unit.line, [unit.text]), 0
            rows.append(parent)
        elif unit.kind == "letter" and _ROMAN.match(unit.label) and unit.label != expected and rows:
            rows[-1].parts.append(unit.text_with_marker)
        elif unit.kind in ("bullet", "letter") and parent is not None:
            label = expected if unit.kind == "bullet" else unit.label
            rows.append(_Row(parent.kind, parent.number, label, unit.line, [unit.text]))
            items += 1
        elif unit.kind is None and rows and any(r.kind == "operative" for r in rows):
            rows[-1].parts.append(unit.text)
        else:
            preambular += 1
            parent, items = _Row("preambular", str(preambular), "", unit.line, [unit.text]), 0
            rows.append(parent)
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = (row.kind, row.number, row.sub_item)
        if key in seen:
            name = f"{row.number} {row.sub_item}".strip()
            raise NoteError(
                f"{row.kind} paragraph {name} is quoted twice (first on line {seen[key]})",
                line=row.line,
            )
        seen[key] = row.line
    return tuple(
        ParsedParagraph(
            kind=row.kind,
            number=row.number,
            sub_item=row.sub_item,
            text=clean_text(" ".join(row.parts)),
            position=position,
            line=row.line,
        )
        for position, row in enumerate(rows, start=1)
    )


# --------------------------------------------------------------------------------------
# The whole note
# --------------------------------------------------------------------------------------


def parse_note(text: str) -> ParsedNote:
    """Parse a decoded note (``\\n`` line ends) into a :class:`ParsedNote`.

    Raises :class:`NoteError`, with the line where one applies, when the note has no text, no
    dated title, no "Recommendations" section (before the ANNEX), no recommendation in that
    section, no ANNEX, an ANNEX that names no resolution (or no mission or expiry date), or a
    resolution with no paragraphs.
    """
    lines = text.split("\n")
    if not text.strip():
        raise NoteError("the note has no text")
    sections = _find_sections(lines)
    title, situation, issued_on, title_end = _parse_title(lines, sections.title)

    narrative = [(i + 1, lines[i]) for i in range(title_end + 1, sections.recommendations)]
    end = sections.annex if sections.annex is not None else len(lines)
    section = [(i + 1, lines[i]) for i in range(sections.recommendations + 1, end)]
    candidates = [unit for unit in _units(section) if _is_recommendation(unit)]
    if not candidates:
        raise NoteError(
            "the 'Recommendations' section holds no recommendation",
            line=sections.recommendations + 1,
        )
    if sections.annex is None:
        raise NoteError(
            "no ANNEX: expected an 'ANNEX' heading followed by 'Relevant language in resolution "
            "... extending the mandate of ... until ...'"
        )
    mandate = _parse_mandate(lines, sections.annex)
    recommendations = tuple(
        ParsedRecommendation(
            text=unit.text, addressee=classify_addressee(unit.text, mandate.mission), line=unit.line
        )
        for unit in candidates
    )
    return ParsedNote(
        title=title,
        situation=situation,
        issued_on=issued_on,
        earlier_meetings=_earlier_meetings(_units(narrative)),
        recommendations=recommendations,
        mandate=mandate,
    )
