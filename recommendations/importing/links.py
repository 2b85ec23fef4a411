"""Links from a recommendation to the mandate paragraphs a note's annex quotes, suggested for a
person to confirm.

1. *Cited paragraphs first.* When a recommendation names paragraphs ("(S/RES/2677 (2023),
   OPs 4, 7)", "OP 7(a)(i)", "paragraphs 17 and 18"), those are its links, marked cited; a
   cited paragraph the annex does not quote is reported, and no word-overlap suggestion is
   added (the note has said what it means).
2. *Otherwise, shared words that matter.* Okapi BM25 over the annex's paragraphs: a word
   weighs by how few paragraphs hold it, so the situation's own names ("Mali", the
   mission), which most quoted paragraphs hold, weigh little in any note, without a list
   tuned to one situation. Over a handful of paragraphs that count is coarse, so it is
   blended with how many paragraphs of real Council resolutions hold the word (a background
   table built from the UN's published texts, ``recommendations/data/term-frequencies.json``):
   words every resolution uses ("matter", "national", "related") weigh little even when the
   annex quotes them once. Paragraphs are kept within a margin of the best score, not a fixed
   number, and none when the best is weak.
3. *A recommendation about another resolution* of the same situation ("the sanctions regime
   established by resolution 2653 (2022)") gets no word-overlap suggestion: the annex does not
   quote the text it speaks of. The UN's metadata tells which resolutions share the annex's
   agenda item; a thematic resolution ("in line with resolution 2467 (2019)") does not.

Pure functions over text; nothing here touches the database.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BACKGROUND_PATH = DATA_DIR / "term-frequencies.json"

# --------------------------------------------------------------------------------------
# Cited paragraphs
# --------------------------------------------------------------------------------------

_SYMBOL = re.compile(r"(?:\bS/RES/|\bresolution\s+)(?P<number>\d{3,5})\s*\(\s*(?P<year>\d{4})\s*\)", re.IGNORECASE)
_ONE = r"\d{1,3}(?:\s*\(\s*[a-z]{1,5}\s*\))*"
_CITATION = re.compile(
    r"\b(?P<kind>OPs?|PPs?|operative\s+paragraphs?|preambular\s+paragraphs?|paragraphs?|paras?\.?)\s*"
    rf"(?P<list>{_ONE}(?:\s*(?:,|and|&|-|–|to)\s*(?:OPs?\s*|PPs?\s*)?{_ONE})*)",
    re.IGNORECASE,
)
_ITEM = re.compile(r"(?P<number>\d{1,3})(?P<subs>(?:\s*\(\s*[a-z]{1,5}\s*\))*)", re.IGNORECASE)
# "paragraphs 114-117 in S/2022/595": paragraphs of a report, not of a resolution.
_OF_DOCUMENT = re.compile(r"^\s*(?:of|in)\s+(?:the\s+)?(?:S/\d{4}/\d+|(?:Secretary-General's\s+)?report|document|A/)", re.IGNORECASE)
_OF_RESOLUTION = re.compile(r"^\s*,?\s*(?:of|in)\s+(?:the\s+)?(?:S/RES/|resolution\s+)(\d{3,5})\s*\(\s*(\d{4})\s*\)", re.IGNORECASE)
_RANGE_MAX = 12


@dataclass(frozen=True)
class Citation:
    label: str  # as the annex would label it: "OP 7 (a)(i)", "PP 2"
    resolution: str  # "S/RES/2677 (2023)", or "" when the text names none


def _symbol(match: re.Match[str]) -> str:
    return f"S/RES/{int(match['number'])} ({match['year']})"


def find_citations(text: str) -> list[Citation]:
    """The paragraphs ``text`` cites, in order, each with the resolution it names next to
    the citation (before it, in the same bracket or clause; or "of resolution ..." after)."""
    found: list[Citation] = []
    for match in _CITATION.finditer(text):
        after = text[match.end() :]
        if _OF_DOCUMENT.match(after):
            continue
        of = _OF_RESOLUTION.match(after)
        if of:
            resolution = f"S/RES/{int(of[1])} ({of[2]})"
        else:
            before = text[max(0, match.start() - 60) : match.start()]
            before = re.split(r"[.;]\s|\)\s", before)[-1]  # same clause or bracket
            symbols = list(_SYMBOL.finditer(before))
            resolution = _symbol(symbols[-1]) if symbols else ""
        kind = "PP" if match["kind"].lower().startswith(("pp", "pre")) else "OP"
        numbers: list[tuple[str, str]] = []
        pieces = re.split(r"\s*(-|–|\bto\b)\s*", match["list"])
        previous_number = None
        pending_range = False
        for piece in pieces:
            if piece in ("-", "–", "to"):
                pending_range = True
                continue
            for item in _ITEM.finditer(piece):
                subs = "".join(f"({s})" for s in re.findall(r"\(\s*([a-z]{1,5})\s*\)", item["subs"], re.IGNORECASE))
                number = int(item["number"])
                if pending_range and previous_number is not None and 0 < number - previous_number <= _RANGE_MAX:
                    numbers.extend((str(n), "") for n in range(previous_number + 1, number))
                pending_range = False
                numbers.append((str(number), subs.lower()))
                previous_number = number
        for number, subs in numbers:
            label = f"{kind} {number}" + (f" {subs}" if subs else "")
            found.append(Citation(label, resolution))
    return list(dict.fromkeys(found))


def _resolve(label: str, labels: dict[str, object]) -> object | None:
    """The annex paragraph for a cited label, or for the nearest paragraph above it that the
    annex quotes ("OP 7 (a)(i)" -> "OP 7 (a)" -> "OP 7")."""
    while True:
        if label in labels:
            return labels[label]
        cut = re.sub(r"\s*\([a-z]{1,5}\)$", "", label)
        if cut == label:
            return None
        label = cut


# --------------------------------------------------------------------------------------
# Shared words: BM25 over the annex
# --------------------------------------------------------------------------------------

# Function words, and the words every Council text uses whatever it says (the verbs of its
# paragraphs, "Council", "resolution"). Nothing here names a situation.
_STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does", "each", "either", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "more", "most", "must", "my", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "within", "without", "among", "between", "across", "well", "already", "via", "per", "thereof", "therein", "urge", "urges", "urged", "request", "requests", "requested", "call", "calls", "called", "decide", "decides", "decided", "encourage", "encourages", "invite", "invites", "ensure", "ensures", "welcome", "welcomes", "reaffirm", "reaffirms", "recall", "recalls", "recalling", "stress", "stresses", "emphasize", "emphasizes", "note", "notes", "notes", "noting", "underline", "underlines", "underlining", "express", "expresses", "condemn", "condemns", "reiterate", "reiterates", "consider", "considers", "take", "taking", "continue", "continues", "including", "include", "includes", "relevant", "particular", "appropriate", "full", "fully", "effective", "effectively", "security", "council", "resolution", "resolutions", "united", "nations", "un", "mandate", "member", "members", "paragraph", "paragraphs", "op", "ops", "pp", "s", "res", "so-called", "inter", "alia", "regard", "regards", "line"]
)
_TOKEN = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ities", "ity", "ings", "ing", "ions", "ion", "ives", "ive", "ies", "ed", "es", "s", "al", "ly", "e")


# British and American spellings meet: "organisation"/"organization", "labour"/"labor",
# "programme"/"program". Notes use either; resolutions use the American "-ize".
_BRITISH_IZE = re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations|er|ers)$")
_BRITISH_OUR = re.compile(r"(?<=[a-z]{2})our(s|ed|ing)?$")


def _spelling(word: str) -> str:
    word = _BRITISH_IZE.sub(r"iz\1", word)
    if len(word) > 5:
        word = _BRITISH_OUR.sub(r"or\1", word)
    return word.replace("programme", "program")


def _stem(word: str) -> str:
    word = _spelling(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            # "parties" is "party", not "part" ("take part"); "policies", "policy".
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word[:7]


# "post-conflict" and "postconflict", "pre-deployment" and "predeployment", "non-State": a
# prefix is part of its word, never a word of its own ("post" is not "posts").
_PREFIXES = frozenset(["post", "pre", "non", "anti", "inter", "intra", "co", "re", "self", "cross", "multi", "socio", "sub", "counter", "cyber", "ex"])


def _words(token: str) -> list[str]:
    parts = token.split("-")
    out: list[str] = []
    for part in parts:
        if out and out[-1] in _PREFIXES:
            out[-1] += part
        else:
            out.append(part)
    return out


# The UN system's common abbreviations, written out, so that "GBV" in a note meets "gender-
# based violence" in a resolution. General WPS and peace-operations usage; nothing here names
# a situation or a mission.
_ABBREVIATIONS = {
    "gbv": "gender-based violence",
    "sgbv": "sexual and gender-based violence",
    "crsv": "conflict-related sexual violence",
    "sea": "sexual exploitation and abuse",
    "wps": "women and peace and security",
    "ddr": "disarmament demobilization and reintegration",
    "ssr": "security sector reform",
    "hrds": "human rights defenders",
    "hrd": "human rights defender",
    "whrds": "women human rights defenders",
    "nap": "national action plan",
    "idps": "internally displaced persons",
    "idp": "internally displaced person",
    "fgm": "female genital mutilation",
    "csos": "civil society organizations",
    "cso": "civil society organization",
    "wpas": "women protection advisers",
    "wpa": "women protection adviser",
    "ihl": "international humanitarian law",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b", re.IGNORECASE)


def _expand(text: str) -> str:
    """Abbreviations written in capitals (as notes write them) spelled out."""
    return _ABBREVIATION.sub(
        lambda m: _ABBREVIATIONS[m.group().lower()] if m.group().isupper() or m.group()[:-1].isupper() else m.group(),
        text,
    )


def terms(text: str) -> list[str]:
    """Content stems of ``text``, and each adjacent pair of them ("sexual violence")."""
    words = []
    for token in _TOKEN.findall(_expand(text).lower().replace("’", "'")):
        for word in _words(token):
            word = word.removesuffix("'s").strip("'")
            if len(word) > 2 and word not in _STOPWORDS:
                words.append(_stem(word))
            else:
                words.append("")  # a break between pairs
    stems = [w for w in words if w]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words) if a and b]
    return stems + pairs


def document_frequencies(texts: Iterable[str]) -> dict:
    """The background table: how many of ``texts`` (paragraphs of Council resolutions) hold
    each term. ``scripts/build_term_frequencies.py`` writes it from the UN's XML."""
    frequency: Counter[str] = Counter()
    count = 0
    for text in texts:
        count += 1
        frequency.update(set(terms(text)))
    return {"paragraphs": count, "frequencies": dict(sorted(frequency.items()))}


@lru_cache(maxsize=1)
def _background() -> tuple[int, dict[str, int]]:
    try:
        table = json.loads(BACKGROUND_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0, {}
    return int(table["paragraphs"]), table["frequencies"]


# How much of a word's weight comes from the background table rather than the annex alone.
BACKGROUND = 0.5


@dataclass
class AnnexIndex:
    """BM25 over a note's annex: (key, label, text) per quoted paragraph."""

    paragraphs: Sequence[tuple[object, str, str]]
    k1: float = 0.9
    b: float = 0.3
    _terms: list[Counter[str]] = field(init=False)
    _idf: dict[str, float] = field(init=False)
    _avg: float = field(init=False)
    _addressees: dict[str, str] = field(init=False)
    mission: str = ""

    def __post_init__(self) -> None:
        self._addressees = _paragraph_addressees(self.paragraphs, self.mission)
        self._terms = [Counter(terms(text)) for _, _, text in self.paragraphs]
        frequency: Counter[str] = Counter()
        for counts in self._terms:
            frequency.update(counts.keys())
        n = len(self.paragraphs)
        # The weight of a word only one paragraph holds: scores are read against it, so that
        # a threshold means the same for an annex of six paragraphs as for one of thirty.
        self.unit = math.log(1 + (n - 0.5) / 1.5) if n else 1.0
        background_n, background = _background()
        total = background_n + n
        # The background weight is rescaled to the annex's unit, so the blend only reorders
        # words and leaves the thresholds' meaning alone.
        scale = self.unit / math.log(1 + (total - 0.5) / 1.5) if total > 1 else 0.0
        blend = BACKGROUND if background_n else 0.0
        self._idf = {}
        for t, f in frequency.items():
            annex = math.log(1 + (n - f + 0.5) / (f + 0.5))
            held = background.get(t, 0) + f
            general = math.log(1 + (total - held + 0.5) / (held + 0.5)) * scale
            self._idf[t] = (1 - blend) * annex + blend * general
        self._avg = sum(sum(c.values()) for c in self._terms) / n if n else 1.0

    def scores(self, text: str, *, addressee: str = "") -> list[float]:
        """BM25 of each paragraph for ``text``, weighed up when the paragraph asks the same
        actor as the recommendation (``addressee``)."""
        query = set(terms(text))
        out = []
        for (_, label, _text), counts in zip(self.paragraphs, self._terms):
            length = sum(counts.values()) or 1
            score = 0.0
            for term in query & counts.keys():
                tf = counts[term]
                score += self._idf[term] * tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * length / self._avg))
            if addressee and self._addressees.get(label, "") == addressee:
                score *= SAME_ADDRESSEE
            out.append(score)
        return out

    @property
    def labels(self) -> dict[str, object]:
        return {label: key for key, label, _ in self.paragraphs}


# A paragraph that asks the same actor as the recommendation ("Urge the authorities" and
# "Urges the Malian authorities") is likelier the one it builds on. (Weighing preambular
# paragraphs and lists' lead-ins down as context was tried and dropped: a recommendation
# often builds on a preambular paragraph's concern.)
SAME_ADDRESSEE = 1.7


def _paragraph_addressees(paragraphs: Sequence[tuple[object, str, str]], mission: str) -> dict[str, str]:
    from recommendations.importing.addressees import classify_addressee

    out: dict[str, str] = {}
    for _, label, text in paragraphs:
        parent = re.sub(r"\s*\(.*$", "", label)
        if parent != label and parent in out:
            out[label] = out[parent]  # a sub-item asks whom its paragraph asks
            continue
        verb_text = re.sub(r"^(?:Decides|Requests|Calls\s+(?:up)?on|Urges|Encourages)\s+that\s+", "", text)
        if re.match(r"^Decides\s+that\s+(?:the\s+)?(?:mandate|\S+['’]s\s+mandate)", text) or re.search(
            r"\bmandate\s+(?:of\s+\S+\s+)?shall\s+include", text[:120]
        ):
            out[label] = "mission"
        else:
            found = classify_addressee(verb_text, mission)
            out[label] = "" if found == "security_council" else found
    return out


# Chosen on three of the gold notes (tests/data/notes/gold_links.json: Mali, South Sudan,
# Afghanistan) and checked on the other three (benchmarks/link_quality.py): keep the
# paragraphs scoring within MARGIN of the best, at most LIMIT, and none when the best is
# under MIN_SCORE times the weight of a word only one paragraph holds.
MARGIN = 0.5
LIMIT = 2
MIN_SCORE = 4.0


@lru_cache(maxsize=1)
def _agenda_items() -> dict[str, str]:
    """Symbol -> agenda item ("The question concerning Haiti"), from the UN's metadata."""
    out: dict[str, str] = {}
    for path in sorted((DATA_DIR / "un-metadata").glob("metadata-*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record.get("symbol") and record.get("agenda_item_name"):
                out[str(record["symbol"])] = str(record["agenda_item_name"])
    return out


def speaks_of_another_resolution(text: str, symbol: str) -> bool:
    """Whether ``text`` names a resolution other than ``symbol`` on the same agenda item (the
    situation's sanctions regime, an earlier mandate): its words then describe that text,
    not the annex's. A thematic resolution (on women and peace and security) is not one."""
    agenda = _agenda_items()
    own = agenda.get(symbol)
    if not own:
        return False
    return any(
        (named := _symbol(match)) != symbol and agenda.get(named) == own for match in _SYMBOL.finditer(text)
    )


@dataclass
class LinkSuggestions:
    cited: list[object]  # keys of the paragraphs the recommendation cites, in its order
    suggested: list[object]  # keys suggested by shared words, best first
    missing: list[str]  # cited labels the annex does not quote ("OP 9 of S/RES/2677 (2023)")


def _cited_keys(text: str, labels: dict[str, object], symbol: str) -> tuple[list[object], list[str]]:
    """The annex paragraphs ``text`` cites, and the cited labels the annex does not quote."""
    cited: list[object] = []
    missing: list[str] = []
    for citation in find_citations(text):
        if citation.resolution and symbol and citation.resolution != symbol:
            continue  # another resolution's paragraph: not one of this annex's
        key = _resolve(citation.label, labels)
        if key is None:
            missing.append(citation.label)
        elif key not in cited:
            cited.append(key)
    return cited, missing


# A paragraph cited by the text that heads a recommendation's group ("On protection (OP 26
# (d), OP 45):") weighs this much more for the recommendations under it; it is still
# suggested only for words they share. No gold note has such a heading: the figure is a
# judgement (a citation a little above is strong evidence), not a measurement.
CONTEXT_CITED = 2.0


def suggest_links(
    text: str, index: AnnexIndex, *, symbol: str = "", addressee: str = "", context: str = ""
) -> LinkSuggestions:
    """Links for one recommendation to the paragraphs of ``index`` (the annex quoting
    resolution ``symbol``): cited paragraphs first, else the best by shared words, weighed up
    for the paragraphs that ``context`` (the text heading its group) cites."""
    labels = index.labels
    cited, missing = _cited_keys(text, labels, symbol)
    if cited:
        return LinkSuggestions(cited, [], missing)
    if symbol and speaks_of_another_resolution(text, symbol):
        return LinkSuggestions([], [], missing)
    scores = index.scores(text, addressee=addressee)
    if context:
        pointed = set(_cited_keys(context, labels, symbol)[0])
        scores = [
            score * CONTEXT_CITED if key in pointed else score
            for score, (key, _, _) in zip(scores, index.paragraphs)
        ]
    best = max(scores, default=0.0)
    if best < MIN_SCORE * index.unit:
        return LinkSuggestions([], [], missing)
    ranked = sorted(
        (i for i, score in enumerate(scores) if score >= MARGIN * best), key=lambda i: (-scores[i], i)
    )[:LIMIT]
    return LinkSuggestions([], [index.paragraphs[i][0] for i in ranked], missing)
