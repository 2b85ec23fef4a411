"""Reads of the renewal pages: what changed between a mandate and the one before it, the
secretariat's review of suggested uptake, uptake rates per situation and cycle. The caller
has decided the user may see the mandate (access.get_mandate_for_user); these functions
read in a fixed number of queries."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from recommendations.curation import changes, uptake
from recommendations.importing.textmatch import words
from recommendations.models import Addressee, Mandate, MandateParagraph, Recommendation, Uptake

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
    """Of the proposals a renewal answered, how many a person found reflected or partly, of
    those decided; and how many are still to decide."""

    renewal: Mandate
    taken_up: int = 0
    decided: int = 0
    pending: int = 0

    @property
    def text(self) -> str:
        return ngettext(
            "%(taken_up)d of %(decided)d proposal reflected or partly reflected",
            "%(taken_up)d of %(decided)d proposals reflected or partly reflected", self.decided,
        ) % {"taken_up": self.taken_up, "decided": self.decided}

    def count(self, uptake_value: str, n: int = 1) -> None:
        if uptake_value == Uptake.PENDING:
            self.pending += n
            return
        self.decided += n
        if uptake_value in (Uptake.REFLECTED, Uptake.PARTLY_REFLECTED):
            self.taken_up += n


def renewals(*, situation_ids) -> list[Mandate]:
    """The mandates that renew or end another, in the given situations, oldest first, each
    annotated with the adoption date of the one before it (for uptake.proposals_q). One query."""
    ended = Mandate.objects.filter(terminated_by=OuterRef("pk")).order_by("-adopted_on")
    return list(
        Mandate.objects.filter(situation_id__in=list(situation_ids))
        .filter(Q(renews__isnull=False) | Q(Exists(ended)))
        .annotate(previous_adopted_on=Coalesce(F("renews__adopted_on"), Subquery(ended.values("adopted_on")[:1])))
        .order_by("situation_id", "adopted_on", "pk")
    )


def last_renewal_rates(*, situation_ids) -> dict[int, UptakeRate]:
    """Per situation: the uptake of the proposals its last renewal (or termination) answered,
    over the decisions people recorded. Two queries whatever the number of situations."""
    last: dict[int, Mandate] = {}
    for m in renewals(situation_ids=situation_ids):
        last[m.situation_id] = m
    if not last:
        return {}
    window = Q(pk__in=[])
    for m in last.values():
        window |= uptake.proposals_q(m)
    out = {sid: UptakeRate(renewal=m) for sid, m in last.items()}
    for row in Recommendation.objects.filter(window).values("situation_id", "uptake").annotate(n=Count("pk")).order_by():
        out[row["situation_id"]].count(row["uptake"], row["n"])
    return out


def cycle_rates(*, renewals: list[Mandate], recommendations) -> list[UptakeRate]:
    """The uptake rate of each renewal (from ``renewals``), counted over recommendations
    already in hand (with their briefing): no query."""
    rates = []
    for m in renewals:
        rate = UptakeRate(renewal=m)
        since = m.previous_adopted_on
        for rec in recommendations:
            if rec.situation_id != m.situation_id or rec.addressee == Addressee.COUNCIL_MEMBERS:
                continue
            issued = rec.briefing.issued_on
            if (m.adopted_on and issued > m.adopted_on) or (since and issued < since):
                continue
            rate.count(rec.uptake)
        rates.append(rate)
    return rates
