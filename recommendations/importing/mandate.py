"""The annex: the resolution a note quotes and the paragraphs it quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from recommendations.importing.decode import _date_of, _search_date, clean_text
from recommendations.importing.layout import (
    _EXPIRY,
    _MISSION,
    _RESOLUTION,
    _annex_heading,
    _match_marker,
    _Unit,
    _units,
)
from recommendations.importing.parsed import NoteError, ParsedMandate, ParsedParagraph

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
            raise NoteError(_("the ANNEX is empty: it names no resolution"), line=annex + 1)
        after = first + 1
        # The heading may wrap onto adjacent lines.
        while after < len(lines) and lines[after].strip() and not _match_marker(lines[after].strip()):
            after += 1
        heading, number = " ".join(line.strip() for line in lines[first:after]), first + 1
    heading = clean_text(heading)
    resolution = _RESOLUTION.search(heading)
    if not resolution:
        raise NoteError(
            str(_("the ANNEX names no resolution; expected a heading such as 'Relevant language in "
                  "resolution 2640 (2022) extending the mandate of MINUSMA until 30 June 2023'")),
            line=number,
        )
    return resolution, heading, number, after


def _parse_mandate(lines: list[str], annex: int, mended: list[str] | None = None) -> ParsedMandate:
    """The annex from line index ``annex``: ``lines`` are the note's lines with furniture
    blanked (for the heading), ``mended`` the same with furniture marked (for the units)."""
    mended = mended if mended is not None else lines
    resolution, heading, heading_line, after = _parse_annex_heading(lines, annex)
    mission = _MISSION.search(heading, resolution.end())
    if not mission:
        raise NoteError(
            _("the ANNEX heading names no mission ('... extending the mandate of MINUSMA ...'): %(heading)r")
            % {"heading": heading},
            line=heading_line,
        )
    expiry = _EXPIRY.search(heading, mission.end())
    expiry_date = _search_date(expiry["rest"]) if expiry else None
    if not expiry_date:
        raise NoteError(
            _("the ANNEX heading gives no expiry date ('... until 30 June 2023'): %(heading)r") % {"heading": heading},
            line=heading_line,
        )
    body = [(i + 1, mended[i]) for i in range(after, len(lines))]
    rows = _mandate_rows(_units(body))
    if not rows:
        raise NoteError(
            _("resolution %(number)s (%(year)s) in the ANNEX quotes no paragraphs")
            % {"number": resolution["number"], "year": resolution["year"]},
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
                _("%(kind)s paragraph %(name)s is quoted twice (first on line %(line)s)")
                % {"kind": row.kind, "name": name, "line": seen[key]},
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
