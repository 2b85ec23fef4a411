"""Reads of the renewal pages: what changed between a mandate and the one before it, the
secretariat's review of suggested uptake, uptake rates per situation and cycle. The caller
has decided the user may see the mandate (access.get_mandate_for_user); these functions
read in a fixed number of queries."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from recommendations.curation import changes, uptake
from recommendations.importing.textmatch import words
from recommendations.models import Mandate, MandateParagraph, Recommendation, Uptake

# The credit the UN's terms ask for wherever text imported from its XML is shown.
UN_SOURCE = "Source: United Nations, Security Council resolution {symbol} (UN XML)"


def un_source(symbol: str) -> str:
    return UN_SOURCE.format(symbol=symbol)


# --- what changed ----------------------------------------------------------------------------


@dataclass
class ChangesPage:
    mandate: Mandate
    previous: Mandate | None
    changes: list[changes.Change]
    wps_only: bool
    counts: dict[str, int]
    # The resolutions whose official text the page shows, for the UN's credit.
    sources: list[str]


def changes_page(*, mandate: Mandate, wps_only: bool = False) -> ChangesPage:
    """Each paragraph of the mandate this one renews (or ends) paired with its successor here.
    Four queries at most, whatever the number of paragraphs."""
    previous = changes.previous_mandate(mandate)
    found = changes.compare_mandates(old=previous, new=mandate, wps_only=wps_only) if previous else []
    counts = Counter(c.kind for c in found)
    official = {p.mandate.symbol for c in found for p in (c.old, c.new) if p is not None and p.official}
    return ChangesPage(
        mandate=mandate, previous=previous, changes=found, wps_only=wps_only,
        counts={kind: counts.get(kind, 0) for kind in ("unchanged", "changed", "new", "dropped")},
        sources=[un_source(s) for s in sorted(official, key=lambda s: (s != (previous.symbol if previous else ""), s))],
    )


# --- uptake review ---------------------------------------------------------------------------


@dataclass
class ReviewRow:
    suggestion: uptake.Suggestion
    # (text, matched?) pieces of each suggested paragraph, to highlight the matched words.
    pieces: list[tuple[MandateParagraph, list[tuple[str, bool]]]] = field(default_factory=list)
    decided: bool = False


@dataclass
class UptakeReview:
    renewal: Mandate
    previous: Mandate | None
    terminates: bool
    rows: list[ReviewRow]
    paragraphs: list[MandateParagraph]
    sources: list[str]


def highlight(text: str, matched: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is a matched word) so a template can wrap the matched words
    in <mark> with every piece escaped. A word matches when it folds to one of ``matched``
    (or to the same stem)."""
    wanted = {w.lower() for w in matched} | {uptake._stem(w.lower()) for w in matched}
    out: list[tuple[str, bool]] = []
    for token in _TOKENS.findall(text):
        folded = words(token)
        hit = bool(folded) and (folded[0] in wanted or uptake._stem(folded[0]) in wanted)
        if out and out[-1][1] == hit and not hit:
            out[-1] = (out[-1][0] + token, False)
        else:
            out.append((token, hit))
    return out


_TOKENS = re.compile(r"\w+|\W+")


def uptake_review(*, renewal: Mandate) -> UptakeReview:
    """The suggestions for the proposals the renewal answers, best evidence first, with
    each suggested paragraph's text cut for highlighting, and the renewal's paragraphs for
    the per-row choice. A fixed number of queries."""
    previous = renewal.renews or renewal.terminates.first()
    terminates = renewal.terminates.exists()
    suggestions = uptake.suggest_uptake(renewal=renewal)
    rows = []
    for s in suggestions:
        rec = s.recommendation
        rows.append(ReviewRow(
            suggestion=s,
            pieces=[(p, highlight(p.text, s.matched)) for p in s.paragraphs],
            decided=rec.uptake != Uptake.PENDING,
        ))
    paragraphs = list(renewal.paragraphs.order_by("position"))
    return UptakeReview(
        renewal=renewal, previous=previous, terminates=terminates, rows=rows, paragraphs=paragraphs,
        sources=[un_source(renewal.symbol)] if any(p.official for p in paragraphs) else [],
    )


# --- uptake rates ----------------------------------------------------------------------------


@dataclass
class UptakeRate:
    """Of the proposals a renewal answered, how many a person found reflected or partly."""

    renewal: Mandate
    taken_up: int
    decided: int
    proposals: int

    @property
    def text(self) -> str:
        return f"{self.taken_up} of {self.decided} proposals reflected or partly reflected"


def last_renewal_rates(*, situation_ids: list[int]) -> dict[int, UptakeRate]:
    """Per situation: the uptake of the proposals answered by its last renewal (the latest
    mandate that renews or ends another), counted over the decisions people recorded. Two
    queries whatever the number of situations."""
    renewals: dict[int, Mandate] = {}
    for m in (
        Mandate.objects.filter(situation_id__in=situation_ids)
        .filter(Q(renews__isnull=False) | Q(terminates__isnull=False))
        .select_related("renews").prefetch_related("terminates")
        .distinct().order_by("situation_id", "-adopted_on", "-pk")
    ):
        renewals.setdefault(m.situation_id, m)
    return rates_for(renewals=list(renewals.values()))


def rates_for(*, renewals: list[Mandate]) -> dict[int, UptakeRate]:
    """Uptake rates of the given renewals, by situation id. One query (plus the prefetch of
    ``terminates`` when the mandates come without it)."""
    if not renewals:
        return {}
    cycle = Q(pk__in=[])
    for m in renewals:
        cycle |= uptake.proposals_q(m)
    rows = (
        Recommendation.objects.filter(cycle).values("situation_id", "uptake").annotate(n=Count("pk")).order_by()
    )
    found: dict[int, Counter] = {}
    for row in rows:
        found.setdefault(row["situation_id"], Counter())[row["uptake"]] += row["n"]
    out = {}
    for m in renewals:
        c = found.get(m.situation_id, Counter())
        taken = c[Uptake.REFLECTED] + c[Uptake.PARTLY_REFLECTED]
        out[m.situation_id] = UptakeRate(
            renewal=m, taken_up=taken, decided=taken + c[Uptake.NOT_REFLECTED], proposals=sum(c.values())
        )
    return out
