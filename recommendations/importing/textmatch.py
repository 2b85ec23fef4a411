"""Comparing texts word by word, with no model: the normalisation, the "how much of this
extract is in that paragraph" score, and the check that a note's extract differs from the
official text only by its "(...)" cuts. Pure functions, used by the resolution import
(matching a note's extracts), by the mandate comparison and by the uptake suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

_CUT = re.compile(r"\(\s*(?:\.\s*){2,}\)|\[\s*(?:\.\s*){2,}\]|\(\s*…\s*\)|…")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ", "\u202f": " "})
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case word tokens, quotes and dashes folded: "Women’s" -> ["women", "s"]."""
    return _WORD.findall(text.translate(_FOLD).lower())


def fragments(extract: str) -> list[list[str]]:
    """The pieces of a quotation between its "(...)" cuts, as word lists."""
    return [w for piece in _CUT.split(extract) if (w := words(piece))]


def containment(part: Sequence[str], whole: Sequence[str]) -> float:
    """Share of ``part``'s words found, in order, in ``whole`` (1.0: all of it)."""
    if not part:
        return 0.0
    matcher = difflib.SequenceMatcher(None, part, whole, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(part)


_HYPHEN = re.compile(r"(?<=\w)[-‐‑](?=\w)")


def _unhyphen(text: str) -> str:
    return _HYPHEN.sub("", text)


def differs_beyond_cuts(extract: str, official: str) -> bool:
    """True when some piece of the extract, between its cuts, is not in the official text as
    written (in order), whatever the case, quotes, spacing or hyphenation ("pre-deployment"
    and "predeployment" are the same word)."""
    haystack = " " + " ".join(words(_unhyphen(official))) + " "
    start = 0
    for piece in fragments(_unhyphen(extract)):
        needle = " " + " ".join(piece) + " "
        found = haystack.find(needle, start)
        if found < 0:
            return True
        start = found + len(needle) - 1
    return False


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A word-level diff: a list of (op, text), op one of "same", "del", "ins"."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            out.append(("del", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            out.append(("ins", " ".join(b[j1:j2])))
    return out
