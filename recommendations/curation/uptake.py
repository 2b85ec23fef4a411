"""Council uptake, suggested: which proposals of language to the Council the renewing
resolution took up. Suggestions are computed, never stored; only a person's decision
(``accept_uptake``) sets ``Recommendation.uptake``.

How a suggestion is made (no model, word matching):
- each paragraph of the renewing resolution is paired with its predecessor in the previous
  resolution (``changes.pair_paragraphs``); its *new* words are those its predecessor lacked;
- a proposal is reflected by a paragraph to the extent that its distinctive words (no stop
  words, weighted by rarity in the resolution) are among that paragraph's new words: language
  merely kept from the previous resolution is not uptake of a proposal for new language;
- a request to "retain" or "maintain" language is reflected when that language is kept: its
  words are then matched against the whole paragraph, kept or not;
- when the renewing resolution terminates the mandate, every proposal is not reflected.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet

from recommendations.curation.changes import pair_paragraphs
from recommendations.importing.textmatch import words
from recommendations.models import Addressee, Mandate, MandateParagraph, Recommendation, Uptake

REFLECTED_AT = 0.45
PARTLY_AT = 0.28
MAX_PARAGRAPHS = 3
_RETAIN = re.compile(r"\b(?:retain|maintain|keep|preserve|continue to include|renew)\w*\b", re.I)

STOP = frozenset(
    ["a", "about", "above", "across", "after", "again", "against", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "between", "both", "but", "by", "can", "could", "council", "councils", "did", "do", "does", "during", "each", "either", "for", "from", "further", "had", "has", "have", "having", "her", "here", "his", "how", "i", "if", "in", "including", "into", "is", "it", "its", "itself", "more", "most", "must", "not", "of", "on", "once", "only", "or", "other", "our", "out", "over", "own", "per", "same", "security", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "under", "until", "up", "upon", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "would", "you", "your", "resolution", "resolutions", "request", "requests", "requested", "urge", "urges", "urged", "call", "calls", "called", "upon", "encourage", "encourages", "decide", "decides", "ensure", "ensuring", "support", "supports", "supporting", "including", "well", "relevant", "particular", "through", "mandate", "mission", "members", "united", "nations", "un", "minusma", "unmiss", "monusco", "unama", "mali", "malian", "transitional", "transition", "authorities", "government", "parties", "secretary", "general", "include", "includes", "efforts", "continue", "continued", "take", "taking", "make", "making", "provide", "providing", "stress", "stresses", "underline", "underlines", "recall", "recalls", "reaffirm", "reaffirms", "note", "notes", "welcome", "welcomes"]
)


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    return [_stem(w) for w in words(text) if (len(w) > 1 and w not in STOP and not w.isdigit()) or (w.isdigit() and len(w) == 4)]


@dataclass
class Suggestion:
    recommendation: Recommendation
    uptake: str
    paragraphs: list[MandateParagraph] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    score: float = 0.0
    reason: str = ""

    def as_json(self) -> dict:
        return {
            "reference": self.recommendation.reference,
            "uptake": self.uptake,
            "paragraphs": [p.label for p in self.paragraphs],
            "matched": self.matched,
        }


@dataclass
class _Unit:
    paragraph: MandateParagraph
    all_words: Counter
    new_words: Counter
    surface: dict[str, str]  # stem -> a word as written, to show


def proposals_q(renewal: Mandate) -> Q:
    """The recommendations of the renewal's situation that proposed language to the Council
    for it: made before the renewal was adopted (and after the previous one, when known), and
    not the questions put to Council members individually. Reads ``renewal.terminates``
    through ``.all()``, so a prefetch saves its query."""
    q = Q(situation_id=renewal.situation_id) & ~Q(addressee=Addressee.COUNCIL_MEMBERS)
    if renewal.adopted_on:
        q &= Q(briefing__issued_on__lte=renewal.adopted_on)
    if hasattr(renewal, "previous_adopted_on"):  # annotated by renewal_selectors.renewals
        since = renewal.previous_adopted_on
    else:
        previous = renewal.renews if renewal.renews_id else next(iter(renewal.terminates.all()), None)
        since = previous.adopted_on if previous is not None else None
    if since:
        q &= Q(briefing__issued_on__gte=since)
    return q


def proposals(renewal: Mandate) -> QuerySet[Recommendation]:
    """The proposals the renewal answers (proposals_q), in note order."""
    return (
        Recommendation.objects.filter(proposals_q(renewal))
        .select_related("briefing", "uptake_paragraph").order_by("briefing__issued_on", "position")
    )


def _units(renewal: Mandate, previous: Mandate | None) -> list[_Unit]:
    new = list(renewal.paragraphs.order_by("position"))
    old = list(previous.paragraphs.order_by("position")) if previous else []
    units = []
    for p, q, _score in pair_paragraphs(old, new):
        if q is None:
            continue
        raw = words(q.text)
        surface: dict[str, str] = {}
        for w in raw:
            if w not in STOP:
                surface.setdefault(_stem(w), w)
        all_words = Counter(content_words(q.text))
        kept = Counter(content_words(p.text)) if p is not None else Counter()
        units.append(_Unit(q, all_words, all_words - kept, surface))
    return units


def suggest_uptake(*, renewal: Mandate, recommendations=None) -> list[Suggestion]:
    """One suggestion per proposal, best evidence first. Reads only (three queries plus one
    per hundred proposals at most)."""
    recs = list(recommendations if recommendations is not None else proposals(renewal))
    if renewal.terminates.exists():
        ended = ", ".join(m.symbol for m in renewal.terminates.all())
        return [
            Suggestion(rec, Uptake.NOT_REFLECTED, reason=f"{renewal.symbol} terminates {ended}: no renewal took it up")
            for rec in recs
        ]
    units = _units(renewal, renewal.renews)
    document_frequency = Counter()
    for unit in units:
        document_frequency.update(set(unit.all_words))
    n = max(len(units), 1)
    idf = {w: math.log(1 + n / df) for w, df in document_frequency.items()}
    default_idf = math.log(1 + n)
    # Only the words some paragraph has can match: an index from word to paragraphs.
    index: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        for w in unit.all_words:
            index.setdefault(w, []).append(i)
    suggestions = []
    for rec in recs:
        rec_words = set(content_words(rec.text))
        weight = {w: idf.get(w, default_idf) for w in rec_words}
        total = sum(weight.values()) or 1.0
        retain = bool(_RETAIN.search(rec.text))
        scores: dict[int, tuple[float, list[str]]] = {}
        for i in {i for w in rec_words for i in index.get(w, ())}:
            unit = units[i]
            pool = unit.all_words if retain else unit.new_words
            hit = [w for w in rec_words if w in pool]
            if hit:
                scores[i] = (sum(weight[w] for w in hit) / total, hit)
        ranked = sorted(scores.items(), key=lambda item: (-item[1][0], units[item[0]].paragraph.position))
        best = ranked[0][1][0] if ranked else 0.0
        if best >= REFLECTED_AT:
            uptake = Uptake.REFLECTED
        elif best >= PARTLY_AT:
            uptake = Uptake.PARTLY_REFLECTED
        else:
            uptake = Uptake.NOT_REFLECTED
        chosen = [i for i, (score, _hit) in ranked[:MAX_PARAGRAPHS] if score >= max(PARTLY_AT, best * 0.75)]
        matched: list[str] = []
        for i in chosen:
            for w in sorted(scores[i][1], key=lambda w: -weight[w]):
                shown = units[i].surface.get(w, w)
                if shown not in matched:
                    matched.append(shown)
        suggestions.append(Suggestion(
            rec, uptake, [units[i].paragraph for i in chosen], matched, best,
            reason="asks to retain language: kept language counts" if retain else "",
        ))
    suggestions.sort(key=lambda s: (-s.score, s.recommendation.briefing.issued_on, s.recommendation.position))
    return suggestions


@transaction.atomic
def accept_uptake(*, recommendation: Recommendation, uptake: str, paragraph: MandateParagraph | None, renewal: Mandate) -> None:
    """A person's decision on a recommendation's Council uptake. The paragraph must belong to
    the renewing resolution. Side effects: updates the recommendation's uptake fields."""
    if uptake not in Uptake.values:
        raise ValueError(f"unknown uptake {uptake!r}")
    if paragraph is not None and paragraph.mandate_id != renewal.pk:
        raise ValueError(f"{paragraph.label} is not a paragraph of {renewal.symbol}")
    if uptake in (Uptake.PENDING, Uptake.NOT_REFLECTED):
        paragraph = None
    Recommendation.objects.filter(pk=recommendation.pk).update(uptake=uptake, uptake_paragraph=paragraph)


@transaction.atomic
def accept_all_suggestions(*, renewal: Mandate, suggestions: list[Suggestion]) -> int:
    """Accept every suggestion as it stands (one person's one step). Side effects: updates
    each recommendation's uptake fields. Returns how many changed."""
    changed = 0
    for s in suggestions:
        paragraph = s.paragraphs[0] if s.paragraphs and s.uptake != Uptake.NOT_REFLECTED else None
        rec = s.recommendation
        if rec.uptake != s.uptake or rec.uptake_paragraph_id != (paragraph.pk if paragraph else None):
            accept_uptake(recommendation=rec, uptake=s.uptake, paragraph=paragraph, renewal=renewal)
            changed += 1
    return changed
