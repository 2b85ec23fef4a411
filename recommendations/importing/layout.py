"""A note's layout: lines to units (markers, page breaks, footnotes), then its sections
(title, narrative, recommendations, annex)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from recommendations.importing.decode import (
    _FOOTNOTE_LINE,
    _MONTH_YEAR,
    _date_of,
    _month_number,
    _search_date,
    clean_text,
)
from recommendations.importing.parsed import NoteError

# --------------------------------------------------------------------------------------
# Step 1: lines to units
# --------------------------------------------------------------------------------------

# List markers, tried in order. "bullet": dash-like or symbol items; "number": 3. or 3);
# "letter": (a), a), (iv). A dash needs no space after it ("-to encourage" in the sample);
# a star does, so that "*italic*" at the start of a line is not taken for a bullet.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bullet", re.compile(r"^(?P<marker>[-–—−‐‑•●▪■◦·○➢►▶✓\uf000-\uf0ff])\s*(?=\S)")),
    # "*" and Word's second-level "o" need a space after them: "*italic*", "or".
    ("bullet", re.compile(r"^(?P<marker>[*o])\s+(?=\S)")),
    ("number", re.compile(r"^(?P<marker>(?P<label>\d{1,3})[.)])\s+(?=\S)")),
    ("letter", re.compile(r"^(?P<marker>\((?P<label>[a-z]|[ivxl]{1,5})\))\s*(?=\S)")),
    ("letter", re.compile(r"^(?P<marker>(?P<label>[a-z]|[ivxl]{1,5})\))\s+(?=\S)")),
)

# Words a sentence cannot end on: a chunk ending on one was cut by a page break.
_DANGLING_WORDS = frozenset(
    ["a", "an", "the", "of", "to", "in", "for", "with", "by", "on", "at", "from", "into", "onto", "upon", "and", "or", "nor", "but", "as", "that", "which", "who", "whose", "whom", "its", "their", "his", "her", "our", "this", "these", "those", "such", "including", "between", "among", "than", "per", "via", "within", "without", "under", "over", "across", "through", "about", "towards", "toward", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "shall", "should", "would", "could", "may", "might", "must", "not", "also", "both", "all", "any", "each", "every", "other"]
)

# Capitalised words that open a new paragraph rather than carry on a cut sentence. Words
# ending in -ing/-ly are preambular openers ("Recalling", "Strongly condemning") and are
# matched by a pattern instead.
_SENTENCE_OPENERS = frozenset(
    ["In", "The", "This", "These", "That", "Those", "It", "Its", "Members", "Member", "Finally", "Additionally", "Further", "Furthermore", "Moreover", "However", "Also", "As", "At", "For", "On", "To", "We", "They", "A", "An", "Since", "During", "Despite", "Although", "While", "Given", "Following", "Ahead", "Before", "After", "When", "Where", "If", "Overall", "Lastly", "Please", "Urge", "Request", "Call", "Decide", "Renew", "Mandate", "Encourage", "Demand", "Ask", "Invite", "Extend", "Maintain", "Retain", "Include", "Ensure", "Reaffirm", "Consider", "Direct", "Task", "Support", "Welcome", "Condemn", "Express", "Recall", "Emphasize", "Emphasise", "Stress", "Recognize", "Recognise", "Note", "Notes", "Calls", "Urges", "Requests", "Decides", "Welcomes", "Encourages", "Reaffirms", "Condemns", "Expresses", "Emphasizes", "Stresses"]
)
_PARTICIPLE_OPENER = re.compile(r"^[A-Z][a-z]+(?:ing|ly)$")

# An unmarked one-line chunk this short with no final punctuation is a heading.
_HEADING_MAX_WORDS = 12

# A line that ends inside a hyphenated word ("under-", "Secretary-") and one that goes on
# with its rest ("represented", "General"), not with a new word after a suspended hyphen
# ("troop- and police-").
_BROKEN_COMPOUND = re.compile(r"[A-Za-z]{2}-$")
_COMPOUND_REST = re.compile(r"^(?!(?:and|or|nor|to|as|but)\b)[A-Za-z]")

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
    indent: int = 0  # leading spaces of its first line (a tab counts 4)
    # List items nested under this one ("- to support ...", "(a) ..."): part of its text.
    children: list[_Unit] = field(default_factory=list)

    @property
    def text(self) -> str:
        return clean_text(" ".join(self.parts))

    @property
    def text_with_marker(self) -> str:
        return clean_text(" ".join([self.marker, *self.parts]))

    @property
    def full_text(self) -> str:
        """Its text, then each nested item on a line of its own, marker kept."""
        return "\n".join([self.text, *(child.text_with_marker for child in self.children)])


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


_O_ITEM = re.compile(r"^o\s+\S")


def _o_is_a_bullet(lines: list[tuple[int, str]], position: int, units: list[_Unit]) -> bool:
    """Whether the line at ``position``, which starts with "o ", is Word's second-level
    bullet: only where the layout shows a list. It is indented; or it comes under a list
    item (an earlier "o" item included) that ends a clause there ("... to:", "... crimes;")
    or after a blank line; or the next line of text is another "o" item. Elsewhere it is a
    word of the text wrapped to the line start (a quoted "juntas o ninguna", "Sã" / "o Tomé")."""
    raw = lines[position][1]
    if raw[: len(raw) - len(raw.lstrip())].expandtabs(4):
        return True
    blank_before = position > 0 and not lines[position - 1][1].strip()
    if units and units[-1].kind is not None and (blank_before or _ends_sentence(units[-1].parts[-1])):
        return True
    following = next((r.strip() for _, r in lines[position + 1 :] if r.strip() and r != FURNITURE), "")
    return bool(_O_ITEM.match(following))


def _units(lines: list[tuple[int, str]]) -> list[_Unit]:
    """Assemble (line number, raw line) pairs into units.

    Footnote lines are dropped with the lines that wrap them; a dropped footnote counts as a
    blank line, so a footnote between two halves of a sentence does not stop them joining.
    """
    units: list[_Unit] = []
    blank_before = True
    in_footnote = False
    for position, (number, raw) in enumerate(lines):
        if raw == FURNITURE:
            continue  # page furniture: as if the line were not there
        line = raw.strip()
        if not line:
            blank_before, in_footnote = True, False
            continue
        if _FOOTNOTE_LINE.match(line):
            blank_before, in_footnote = True, True
            continue
        marked = _match_marker(line)
        if marked and marked[2] == "o" and not _o_is_a_bullet(lines, position, units):
            marked = None
        if in_footnote and not marked:
            continue  # the footnote text wraps onto this line
        in_footnote = False
        if marked:
            kind, label, marker, rest = marked
            indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
            units.append(_Unit(number, kind, label, marker, [rest], indent))
        elif units and (not blank_before or _continues_after_blank(units[-1], line)):
            parts = units[-1].parts
            if (_BROKEN_COMPOUND.search(parts[-1]) and _COMPOUND_REST.match(line)) or parts[-1].endswith("/"):
                parts[-1] += line  # "under-" / "represented", "S/" / "RES/2678": broken inside a word
            else:
                parts.append(line)
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
        raise NoteError(_("the note has no text"))
    annex = next((i for i in range(title + 1, len(lines)) if _annex_heading(lines[i])), None)
    end = annex if annex is not None else len(lines)
    recommendations = next(
        (i for i in range(title + 1, end) if _is_recommendations_heading(lines[i])), None
    )
    if recommendations is None:
        message = (
            _("no 'Recommendations' section before the ANNEX: expected a heading line such as 'Recommendations:'")
            if annex is not None
            else _("no 'Recommendations' section: expected a heading line such as 'Recommendations:'")
        )
        raise NoteError(
            str(message),
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
    # A title wrapped onto the next line or two (as a PDF prints a long one).
    joined, end = text, index
    while not match and end + 1 < len(lines) and lines[end + 1].strip() and end < index + 2:
        end += 1
        joined = f"{joined} {_heading_text(lines[end])}"
        wrapped = _search_date(joined)
        if wrapped and not joined[wrapped.end() :].strip(" ,.;:()[]") and wrapped.start() > 0:
            text, match, last = joined, wrapped, end
    if match and not text[match.end() :].strip(" ,.;:()[]"):
        title = text[: match.start()]
    else:
        # The date may sit alone on the next non-blank line.
        following = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        alone = _heading_text(lines[following]) if following is not None else ""
        match = _search_date(alone)
        if not match or len(alone.split()) > 5:
            raise NoteError(
                _("the title %(title)r has no date of issue; expected e.g. "
                  "'Update on women, peace and security in Mali 28 March 2023'") % {"title": text[:80]},
                line=number,
            )
        title, last = text, following
    issued_on = _date_of(match, last + 1)
    title = _TITLE_TRAILER.sub("", title).strip()
    for rule in _SITUATION_RULES:
        found = rule.search(title)
        if found:
            return title, _TITLE_TRAILER.sub("", found["situation"]), issued_on, last
    raise NoteError(_("the title %(title)r names no situation ('... in Mali')") % {"title": title}, line=number)


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
# Step 0: the scars of a PDF converted to text (page furniture, plain footnote numbers)
# --------------------------------------------------------------------------------------

# A line that is page furniture is replaced by this, so that line numbers stay those of the
# file and the units skip it as if it were not there. (A NUL never survives decode_note.)
FURNITURE = "\x00"

# A whole line that is only a page number: "2", "- 2 -", "Page 2 of 4", "16/17", "p. 2",
# "2 | Page".
_PAGE_NUMBER_LINE = re.compile(
    r"^(?:[-–—]\s*\d{1,3}\s*[-–—]|\d{1,3}(?:\s*/\s*\d{1,3})?|(?:page|p\.)\s*\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?|"
    r"\d{1,3}\s*\|\s*page|page\s*\|\s*\d{1,3})$",
    re.IGNORECASE,
)
# "Page 2 of 4" run into a line of text by the converter.
_INLINE_PAGE = re.compile(r"\s*\bPage\s+\d{1,3}\s+of\s+\d{1,3}\b\s*", re.IGNORECASE)
_RUNNING_MAX_WORDS = 15
# A footnote's text after a plain number or a bracketed one: "3 These recommendations ...",
# "[3] These ...". (A numbered paragraph has "3." or "3)".)
_PLAIN_FOOTNOTE_LINE = re.compile(r"^(?:(?P<plain>\d{1,3})\s+|\[(?P<bracket>\d{1,3})\]\s*)(?=[A-Z“\"‘'(\[]|See\b|http)")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _plain_marker(number: str) -> re.Pattern[str]:
    """Footnote ``number`` written as a plain number glued to the word or stop before it
    ("expertise.3 Women", "violence3,"), or in brackets ("expertise[3]")."""
    return re.compile(
        rf"(?<=[a-z.,;:)”\"’'])(?:{number}|\[{number}\])(?=[\s.,;:)]|$)|\[{number}\]"
    )


def _running_lines(lines: list[str]) -> set[int]:
    """Indexes of running headers and footers: short unmarked lines that recur (digits aside)
    in the note, other than the section headings; and not the title when the title repeats
    as the running head (the date alone on the line below it says so)."""
    seen: dict[str, list[int]] = {}
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line or len(line.split()) > _RUNNING_MAX_WORDS or _match_marker(line):
            continue
        if _is_recommendations_heading(line) or _annex_heading(line) or line in ("(...)", "…"):
            continue
        seen.setdefault(re.sub(r"\d+", "#", " ".join(line.lower().split())), []).append(index)
    found = {i for indexes in seen.values() if len(indexes) >= 2 for i in indexes}
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first in found:
        after = next((i for i in range(first + 1, len(lines)) if lines[i].strip() and i not in found), None)
        below = lines[after].strip() if after is not None else ""
        if _search_date(below) and len(below.split()) <= 5:
            found.discard(first)
    return found


def mend_lines(lines: list[str]) -> list[str]:
    """The lines of a note with the scars of a PDF conversion mended, one for one:

    - page furniture (page numbers in any usual form, a running title or footer that recurs)
      becomes :data:`FURNITURE`; "Page 2 of 4" inside a line is cut out;
    - footnotes numbered with plain digits or "[1]" get superscript numbers, at the footnote
      and at its marker in the text, so they are dropped like "¹" ones. A plain number counts
      as a footnote only when the text before it carries the same number as a marker.
    """
    out = list(lines)
    for index, raw in enumerate(out):
        stripped = raw.strip()
        if stripped and _PAGE_NUMBER_LINE.match(stripped):
            out[index] = FURNITURE
        elif "age" in raw:
            out[index] = _INLINE_PAGE.sub(" ", raw) if _INLINE_PAGE.search(raw) else raw
    for index in _running_lines(out):
        out[index] = FURNITURE
    window = 120  # a footnote's marker is on the same page, some lines above
    for index, raw in enumerate(out):
        found = _PLAIN_FOOTNOTE_LINE.match(raw.strip())
        if not found:
            continue
        number = found["plain"] or found["bracket"]
        marker = _plain_marker(number)
        for above in range(index - 1, max(-1, index - window), -1):
            if out[above] != FURNITURE and marker.search(out[above]):
                out[above] = marker.sub(number.translate(_SUPERSCRIPT), out[above], count=1)
                out[index] = number.translate(_SUPERSCRIPT) + " " + raw.strip()[found.end() :]
                break
    return out
