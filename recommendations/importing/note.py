"""Parse the text of an IEG update note into plain dataclasses.

This package's parsing modules are pure: standard library only, no Django models, no database. The service that
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

from django.utils.translation import gettext_lazy as _

from recommendations.importing.addressees import _is_recommendation, classify_addressee, nest_items
from recommendations.importing.decode import decode_note
from recommendations.importing.layout import (
    FURNITURE,
    _earlier_meetings,
    _find_sections,
    _parse_title,
    _units,
    mend_lines,
)
from recommendations.importing.mandate import _parse_mandate
from recommendations.importing.parsed import NoteError, ParsedNote, ParsedRecommendation

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
    if not text.strip():
        raise NoteError(_("the note has no text"))
    mended = mend_lines(text.split("\n"))
    lines = ["" if line == FURNITURE else line for line in mended]
    sections = _find_sections(lines)
    title, situation, issued_on, title_end = _parse_title(lines, sections.title)

    narrative = [(i + 1, mended[i]) for i in range(title_end + 1, sections.recommendations)]
    end = sections.annex if sections.annex is not None else len(lines)
    section = [(i + 1, mended[i]) for i in range(sections.recommendations + 1, end)]
    candidates: list[tuple[object, str]] = []  # (unit, the text heading its group)
    heading: list[str] = []
    for unit in nest_items(_units(section)):
        if _is_recommendation(unit):
            candidates.append((unit, " ".join(heading)))
        else:
            if candidates and candidates[-1][1] == " ".join(heading):
                heading = []  # text after recommendations starts a new group
            heading.append(unit.full_text)
    if not candidates:
        raise NoteError(
            _("the 'Recommendations' section holds no recommendation"),
            line=sections.recommendations + 1,
        )
    if sections.annex is None:
        raise NoteError(
            "no ANNEX: expected an 'ANNEX' heading followed by 'Relevant language in resolution "
            "... extending the mandate of ... until ...'"
        )
    mandate = _parse_mandate(lines, sections.annex, mended)
    recommendations = tuple(
        ParsedRecommendation(
            text=unit.full_text, addressee=classify_addressee(unit.text, mandate.mission), line=unit.line,
            context=context,
        )
        for unit, context in candidates
    )
    return ParsedNote(
        title=title,
        situation=situation,
        issued_on=issued_on,
        earlier_meetings=_earlier_meetings(_units(narrative)),
        recommendations=recommendations,
        mandate=mandate,
    )

def parse_note_bytes(data: bytes) -> ParsedNote:
    """:func:`decode_note` then :func:`parse_note`."""
    return parse_note(decode_note(data))
