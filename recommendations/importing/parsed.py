"""What parsing a note gives: plain dataclasses, and the error that bad input raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext

MAX_NOTE_BYTES = 5 * 1024 * 1024
# What one note may hold (save.validate_parsed_note): far above any real note (the sample has
# 12 recommendations and 19 annex paragraphs), low enough that an import stays in seconds.
MAX_RECOMMENDATIONS = 500
MAX_ANNEX_PARAGRAPHS = 2000
# Dates a note may give (issued, expiry): the UN's lifetime, with room ahead.
MIN_YEAR, MAX_YEAR = 1945, 2100

ADDRESSEES = ("security_council", "host_authorities", "mission", "un_partners", "council_members")


class NoteError(ValueError):
    """Bad input: ``.message`` says what is wrong, ``.line`` where (1-based) or ``None``.

    ``str(e)`` is ``"line {line}: {message}"``, or just the message when there is no line.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(
            gettext("line %(line)s: %(message)s") % {"line": line, "message": message} if line is not None else str(message)
        )


@dataclass(frozen=True)
class ParsedParagraph:
    """One quoted paragraph of the mandate, or one sub-item ("a", "b", ...) of a paragraph."""

    kind: str  # "preambular" | "operative"
    number: str  # operative: "26"; preambular: ordinal "1", "2", ... in document order
    sub_item: str  # "" for the paragraph itself; "a", "b", ... for its items
    text: str  # whole text, page breaks joined, markup and footnote markers removed
    position: int  # 1..N in document order over all rows of the mandate
    line: int  # line where it starts

    @property
    def label(self) -> str:
        """As MandateParagraph.label_of writes it: "PP 2", "OP 26", "OP 26 (a)"."""
        prefix = "PP" if self.kind == "preambular" else "OP"
        return f"{prefix} {self.number}" + (f" ({self.sub_item})" if self.sub_item else "")


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
    # The text of the recommendations section that heads this one's group and asks nothing
    # itself: an introduction, a subheading ("On protection (OP 26 (d), OP 45):"). The
    # paragraphs it cites are likelier links (links.suggest_links).
    context: str = ""


@dataclass(frozen=True)
class ParsedNote:
    """The whole note: title, date, earlier meetings, recommendations and the mandate."""

    title: str  # "Update on women, peace and security in Mali"
    situation: str  # "Mali"
    issued_on: date
    earlier_meetings: tuple[str, ...]  # "YYYY-MM", in the order the note gives them
    recommendations: tuple[ParsedRecommendation, ...]
    mandate: ParsedMandate
