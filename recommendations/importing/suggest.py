"""Suggestions the system makes on import, for a person to confirm: themes from keywords,
and links from a recommendation to the mandate paragraphs whose words it shares most.

Pure functions over text; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# slug -> (name, keyword stems). A stem matches the start of a word.
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "participation": ("Participation and leadership", ("particip", "leadership", "represent", "quota", "decision-making")),
    "elections": ("Elections and political transition", ("elect", "referendum", "transition", "candidate", "vote")),
    "protection": ("Protection and human rights defenders", ("protect", "defender", "peacebuilder", "threat", "hate speech")),
    "sgbv": ("Sexual and gender-based violence", ("sexual", "gender-based", "gbv", "rape", "crsv", "survivor")),
    "justice": ("Justice and accountability", ("justice", "accountab", "court", "investigat", "reparation", "impunity")),
    "displacement": ("Displacement and humanitarian needs", ("displace", "refugee", "returnee", "humanitarian")),
    "nap": ("National action plan", ("national action plan", "action plan")),
    "security-sector": ("Security sector and counterterrorism", ("security sector", "counterterror", "military", "disarmament", "ddr")),
    "climate": ("Climate and natural resources", ("climate", "natural resource", "drought")),
    "harmful-practices": ("Harmful practices", ("harmful practice", "genital", "child marriage", "fgm")),
    "reporting": ("Monitoring and reporting", ("report", "monitor", "information", "data")),
}

_STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does", "each", "for", "from", "further", "had", "has", "have", "having", "in", "including", "into", "is", "it", "its", "more", "most", "must", "no", "nor", "not", "of", "on", "once", "only", "or", "other", "our", "out", "over", "own", "same", "shall", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "very", "was", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "mali", "malian", "women", "woman", "girls", "security", "council", "united", "nations", "un", "resolution", "mission", "minusma", "transitional", "authorities", "urge", "request", "calls", "call", "requests", "urges", "ensure", "support"]
)
_WORD = re.compile(r"[a-z][a-z\-]{2,}")


def suggest_themes(text: str) -> list[str]:
    lowered = text.lower()
    return [
        slug
        for slug, (_, stems) in THEMES.items()
        if any(re.search(r"\b" + re.escape(stem), lowered) for stem in stems)
    ]


def _stems(text: str) -> set[str]:
    # Six letters are enough to match "participation" with "participate".
    return {word[:6] for word in _WORD.findall(text.lower()) if word not in _STOPWORDS}


def suggest_paragraphs(
    text: str, paragraphs: Sequence[tuple[int, str]], *, limit: int = 3, threshold: float = 0.12
) -> list[int]:
    """The keys of at most ``limit`` paragraphs (key, text) that share the most significant
    words with ``text``, best first; none under ``threshold`` (share of the
    recommendation's words found in the paragraph)."""
    words = _stems(text)
    if not words:
        return []
    scored: list[tuple[float, int, int]] = []
    for order, (key, paragraph_text) in enumerate(paragraphs):
        score = len(words & _stems(paragraph_text)) / len(words)
        if score >= threshold:
            scored.append((-score, order, key))
    return [key for _, _, key in sorted(scored)[:limit]]


def theme_names(slugs: Iterable[str]) -> dict[str, str]:
    return {slug: THEMES[slug][0] for slug in slugs if slug in THEMES}
