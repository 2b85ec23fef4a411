"""What changed at renewal: each paragraph of the old resolution paired with its successor in
the new one (unchanged, changed with a word-level diff, new, dropped). Reads only.

Pairing: identical texts first; then, of the same kind (preambular or operative), the most
similar pairs by the overlap of their words (Dice of word bags), greedily, best first, with a
small preference for the same label; below ``MIN_PAIR_SCORE`` nothing is paired."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from recommendations.importing.textmatch import word_diff, words
from recommendations.models import Mandate, MandateParagraph

MIN_PAIR_SCORE = 0.5
SAME_LABEL_BONUS = 0.05

# WPS language: the women, peace and security resolutions and their words.
WPS_RESOLUTIONS = ("1325", "1820", "1888", "1889", "1960", "2106", "2122", "2242", "2467", "2493", "2538")
_WPS = re.compile(
    r"\b(?:wom[ae]n|girls?|gender|sexual|sex|femmes?|filles?|genre|sexuel(?:le)?s?|"
    + "|".join(WPS_RESOLUTIONS)
    + r")\b",
    re.I,
)


def is_wps(text: str) -> bool:
    return bool(text) and bool(_WPS.search(text))


@dataclass
class Change:
    kind: str  # unchanged | changed | new | dropped
    old: MandateParagraph | None
    new: MandateParagraph | None
    score: float = 1.0
    diff: list[tuple[str, str]] = field(default_factory=list)

    @property
    def wps(self) -> bool:
        return is_wps(self.old.text if self.old else "") or is_wps(self.new.text if self.new else "")

    def as_json(self) -> dict:
        return {"old": self.old.label if self.old else None, "new": self.new.label if self.new else None, "kind": self.kind}


def _dice(a: Counter, b: Counter, size_a: int, size_b: int) -> float:
    if not size_a or not size_b:
        return 0.0
    return 2 * sum((a & b).values()) / (size_a + size_b)


def pair_paragraphs(old: list, new: list) -> list[tuple[object | None, object | None, float]]:
    """Pairs (old unit or None, new unit or None, score) for two lists of objects with
    ``kind``, ``label``, ``text`` and ``position``; in the new resolution's order, a dropped
    paragraph placed after the pair of the old paragraph before it."""
    old_words = [words(p.text) for p in old]
    new_words = [words(p.text) for p in new]
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    by_text: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for j, (p, w) in enumerate(zip(new, new_words)):
        by_text.setdefault((p.kind, tuple(w)), []).append(j)
    for i, (p, w) in enumerate(zip(old, old_words)):
        candidates = [j for j in by_text.get((p.kind, tuple(w)), []) if j not in taken]
        if w and candidates:
            j = min(candidates, key=lambda j: (new[j].label != p.label, abs(new[j].position - p.position)))
            pairs[i] = (j, 1.0)
            taken.add(j)
    old_bags = [Counter(w) for w in old_words]
    new_bags = [Counter(w) for w in new_words]
    scored = []
    for i, p in enumerate(old):
        if i in pairs or not old_words[i]:
            continue
        for j, q in enumerate(new):
            if j in taken or q.kind != p.kind:
                continue
            score = _dice(old_bags[i], new_bags[j], len(old_words[i]), len(new_words[j]))
            if score >= MIN_PAIR_SCORE:
                scored.append((score + (SAME_LABEL_BONUS if q.label == p.label else 0.0), score, i, j))
    scored.sort(key=lambda s: (-s[0], s[2], s[3]))
    for _rank, score, i, j in scored:
        if i in pairs or j in taken:
            continue
        pairs[i] = (j, score)
        taken.add(j)
    result: list[tuple[float, object | None, object | None, float]] = []
    last_key = 0.0
    for i, p in enumerate(old):
        if i in pairs:
            j, score = pairs[i]
            last_key = j
            result.append((j, p, new[j], score))
        else:
            result.append((last_key + 0.5, p, None, 0.0))
    result += [(j, None, q, 0.0) for j, q in enumerate(new) if j not in taken]
    result.sort(key=lambda r: r[0])
    return [(p, q, score) for _key, p, q, score in result]


def compare_mandates(*, old: Mandate, new: Mandate, wps_only: bool = False) -> list[Change]:
    """Every paragraph of ``old`` with its successor in ``new``. Two queries."""
    old_units = list(old.paragraphs.order_by("position"))
    new_units = list(new.paragraphs.order_by("position"))
    changes = []
    for p, q, score in pair_paragraphs(old_units, new_units):
        if p is None:
            change = Change("new", None, q, 0.0)
        elif q is None:
            change = Change("dropped", p, None, 0.0)
        elif words(p.text) == words(q.text):
            change = Change("unchanged", p, q, 1.0)
        else:
            change = Change("changed", p, q, score, word_diff(p.text, q.text))
        if not wps_only or change.wps:
            changes.append(change)
    return changes


def previous_mandate(mandate: Mandate) -> Mandate | None:
    """The mandate this one renews (or, for a termination, the one it ends)."""
    if mandate.renews_id:
        return mandate.renews
    return mandate.terminates.first()
