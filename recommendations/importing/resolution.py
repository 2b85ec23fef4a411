"""Saving a Security Council resolution read from the UN's XML (``akn.parse_resolution``):
its Mandate, its official paragraphs in English or French, its place in the mission's chain
of renewals (``renews``) and terminations (``terminated_by``), and the upgrade of the
extracts a note quoted before the resolution was imported to the official paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.dates import day_month_year
from recommendations.importing.akn import (
    ParsedResolution,
    ParsedUnit,
    ResolutionError,
    parse_resolution,
)
from recommendations.importing.textmatch import containment, words
from recommendations.models import (
    Mandate,
    MandateParagraph,
    ParagraphLink,
    ParagraphQuotation,
    Recommendation,
    Situation,
)

# Below this share of an extract's words found in a paragraph, the extract is not matched.
MIN_EXTRACT_SCORE = 0.5


@dataclass
class ResolutionOutcome:
    """What an import did, or (dry run) would do. Plain values, usable after a rollback."""

    symbol: str
    language: str
    dry_run: bool
    mandate_id: int | None = None
    mandate_created: bool = False
    created: int = 0
    updated: int = 0
    upgraded: int = 0
    changed: bool = False
    terminated: str = ""
    warnings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


# --- matching a note's extracts ------------------------------------------------------------


def match_extract(*, kind: str, number: str, text: str, candidates: list) -> tuple[object | None, float]:
    """The official paragraph a note's extract quotes, and the share of its words found there.

    ``candidates`` are objects with ``kind``, ``number`` and ``text`` (ParsedUnit or
    MandateParagraph). A note numbers operative paragraphs as the resolution does (only its
    sub-items and preambular ordinals are its own), so an operative extract is first looked
    for in the paragraph of that number and its points; a preambular one among all preambular
    paragraphs. Ties go to the shorter, more specific unit."""
    extract = words(text.replace("(...)", " "))
    pools = []
    if kind == MandateParagraph.Kind.OPERATIVE:
        pools.append([c for c in candidates if c.kind == kind and c.number == number])
    pools.append([c for c in candidates if c.kind == kind])
    pools.append(list(candidates))
    best, best_score = None, 0.0
    for pool in pools:
        for candidate in pool:
            score = containment(extract, words(candidate.text))
            if score > best_score + 1e-9 or (
                best is not None and abs(score - best_score) <= 1e-9 and len(candidate.text) < len(best.text)
            ):
                best, best_score = candidate, score
        if best_score >= 0.8:
            break
    return (best, best_score) if best_score >= MIN_EXTRACT_SCORE else (None, best_score)


def save_official_quotations(*, briefing, mandate: Mandate, extracts) -> int:
    """A note imported after its resolution: each extract of its annex is kept as the note's
    quotation of the official paragraph it quotes. Returns how many were matched.
    Side effects: creates ParagraphQuotation rows."""
    official = list(mandate.paragraphs.filter(official=True))
    rows = []
    for position, extract in enumerate(extracts, start=1):
        target, _score = match_extract(kind=extract.kind, number=extract.number, text=extract.text, candidates=official)
        if target is not None:
            label = MandateParagraph.label_of(kind=extract.kind, number=extract.number, sub_item=extract.sub_item)
            rows.append(ParagraphQuotation(briefing=briefing, paragraph=target, label=label, text=extract.text, position=position))
    ParagraphQuotation.objects.bulk_create(rows)
    return len(rows)


# --- the mandate ---------------------------------------------------------------------------


def _situation_for(parsed: ParsedResolution) -> Situation:
    from recommendations.importing.save import _get_or_create_situation

    same_mission = Mandate.objects.filter(mission=parsed.mission).select_related("situation").first()
    if same_mission is not None:
        return same_mission.situation
    return _get_or_create_situation(parsed.situation)


def _get_or_create_mandate(parsed: ParsedResolution, outcome: ResolutionOutcome) -> Mandate:
    mandate = Mandate.objects.filter(Q(number=parsed.number, year=parsed.year) | Q(symbol=parsed.symbol)).first()
    if mandate is None:
        outcome.mandate_created = outcome.changed = True
        return Mandate.objects.create(
            symbol=parsed.symbol, number=parsed.number, year=parsed.year, mission=parsed.mission,
            situation=_situation_for(parsed), adopted_on=parsed.adopted_on,
            expires_on=None if parsed.terminates else parsed.expires_on, title=parsed.title[:500],
        )
    changes = {}
    if mandate.adopted_on != parsed.adopted_on:
        changes["adopted_on"] = parsed.adopted_on
    if parsed.title and mandate.title != parsed.title[:500]:
        changes["title"] = parsed.title[:500]
    if parsed.terminates and mandate.expires_on is not None and not mandate.paragraphs.filter(official=True).exists():
        changes["expires_on"] = None
    elif parsed.expires_on and mandate.expires_on != parsed.expires_on:
        if mandate.expires_on is not None:
            outcome.warnings.append(
                _("expiry changed from %(old)s to %(new)s (the resolution's text)")
                % {"old": day_month_year(mandate.expires_on), "new": day_month_year(parsed.expires_on)}
            )
        changes["expires_on"] = parsed.expires_on
    if changes:
        for name, value in changes.items():
            setattr(mandate, name, value)
        mandate.save(update_fields=list(changes))
        outcome.changed = True
    return mandate


def _link_chain(mandate: Mandate, outcome: ResolutionOutcome) -> None:
    """Set ``renews`` and ``terminated_by`` along the mission's resolutions, in number order:
    a renewal renews the mission's previous renewal; a termination ends it."""
    chain = list(
        Mandate.objects.filter(situation=mandate.situation, mission=mandate.mission).order_by("year", "number")
    )
    terminating = set(
        Mandate.objects.filter(pk__in=[m.pk for m in chain], paragraphs__official=True)
        .filter(_termination_q()).values_list("pk", flat=True).distinct()
    )
    previous: Mandate | None = None
    for index, item in enumerate(chain):
        if item.pk in terminating:
            if item.renews_id is not None:
                item.renews = None
                item.save(update_fields=["renews"])
                outcome.changed = True
            if previous is not None:
                outcome.terminated = previous.symbol
            continue
        following = chain[index + 1] if index + 1 < len(chain) else None
        ended_by = following if following is not None and following.pk in terminating else None
        # Only a termination read from the chain is corrected; one set by hand elsewhere stays.
        if item.terminated_by_id != (ended_by.pk if ended_by else None) and (
            ended_by is not None or item.terminated_by_id in terminating
        ):
            item.terminated_by = ended_by
            item.save(update_fields=["terminated_by"])
            outcome.changed = True
        if previous is not None and item.renews_id != previous.pk:
            item.renews = previous
            item.save(update_fields=["renews"])
            outcome.changed = True
        previous = item


def _termination_q() -> Q:
    return Q(paragraphs__text__icontains="decides to terminate") | Q(
        paragraphs__text_fr__icontains="de mettre fin au mandat"
    )


# --- the paragraphs ------------------------------------------------------------------------


def _save_english(mandate: Mandate, units: list[ParsedUnit], outcome: ResolutionOutcome) -> None:
    rows = list(mandate.paragraphs.all())
    official = {p.label: p for p in rows if p.official}
    extracts = [p for p in rows if not p.official]
    if extracts:
        # Free the note's labels ("PP 1", "OP 26 (a)"), which name other official units.
        for p in extracts:
            p.label = f"~{p.pk}"
        MandateParagraph.objects.bulk_update(extracts, ["label"])
    new, changed = [], []
    for unit in units:
        row = official.get(unit.label)
        if row is None:
            new.append(MandateParagraph(
                mandate=mandate, kind=unit.kind, number=unit.number, sub_item=unit.sub_item, label=unit.label,
                text=unit.text, eid=unit.eid, official=True, position=unit.position,
            ))
            continue
        wanted = {"kind": unit.kind, "number": unit.number, "sub_item": unit.sub_item, "text": unit.text,
                  "eid": unit.eid, "position": unit.position}
        if any(getattr(row, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(row, k, v)
            changed.append(row)
    MandateParagraph.objects.bulk_create(new)
    MandateParagraph.objects.bulk_update(changed, ["kind", "number", "sub_item", "text", "eid", "position"])
    outcome.created += len(new)
    outcome.updated += len(changed)
    outcome.changed |= bool(new or changed or extracts)
    labels = {u.label for u in units}
    stale = [label for label in official if label not in labels]
    if stale:
        outcome.warnings.append(ngettext(
            "%(count)d paragraph recorded earlier is not in this file: %(labels)s",
            "%(count)d paragraphs recorded earlier are not in this file: %(labels)s", len(stale),
        ) % {"count": len(stale), "labels": ", ".join(stale[:5])})
    if extracts:
        _upgrade_extracts(mandate, extracts, outcome)


def _upgrade_extracts(mandate: Mandate, extracts: list[MandateParagraph], outcome: ResolutionOutcome) -> None:
    """Move what pointed to a note's extract (links, the note's quotation, uptake) to the
    official paragraph it quotes, then remove the extract: no link or status is lost."""
    official = list(mandate.paragraphs.filter(official=True))
    quoted = {
        q.paragraph_id: q.text for q in ParagraphQuotation.objects.filter(paragraph__in=extracts).order_by("position")
    }
    for extract in extracts:
        target, _score = match_extract(
            kind=extract.kind, number=extract.number, text=quoted.get(extract.pk, extract.text), candidates=official
        )
        if target is None:
            outcome.warnings.append(
                _("the note's extract %(item)r (%(text)s...) is not in the resolution: kept as the note quotes it")
                % {"item": extract.sub_item or extract.number, "text": extract.text[:50]}
            )
            extract.label = MandateParagraph.label_of(kind=extract.kind, number=extract.number, sub_item=extract.sub_item)
            if not MandateParagraph.objects.filter(mandate=mandate, label=extract.label).exists():
                extract.save(update_fields=["label"])
            continue
        _move_references(extract, target)
        extract.delete()
        outcome.upgraded += 1


def _move_references(source: MandateParagraph, target: MandateParagraph) -> None:
    already = set(ParagraphLink.objects.filter(paragraph=target).values_list("recommendation_id", flat=True))
    for link in ParagraphLink.objects.filter(paragraph=source):
        if link.recommendation_id in already:
            if link.confirmed or link.cited:
                _merge_flags(target, link)
            link.delete()
        else:
            link.paragraph = target
            link.save(update_fields=["paragraph"])
            already.add(link.recommendation_id)
    ParagraphQuotation.objects.filter(paragraph=source).update(paragraph=target)
    Recommendation.objects.filter(uptake_paragraph=source).update(uptake_paragraph=target)


def _merge_flags(target: MandateParagraph, link: ParagraphLink) -> None:
    kept = ParagraphLink.objects.get(paragraph=target, recommendation_id=link.recommendation_id)
    kept.confirmed = kept.confirmed or link.confirmed
    kept.cited = kept.cited or link.cited
    kept.save(update_fields=["confirmed", "cited"])


def _save_french(mandate: Mandate, units: list[ParsedUnit], outcome: ResolutionOutcome) -> None:
    """Pair by label (paragraph and point numbers), never by eId: the French file's eIds may
    differ. With no English yet, the rows are made from the French file with empty English."""
    rows = {p.label: p for p in mandate.paragraphs.filter(official=True)}
    new, changed, unpaired = [], [], []
    for unit in units:
        row = rows.get(unit.label)
        if row is None:
            if rows:
                unpaired.append(unit.label)
                continue
            new.append(MandateParagraph(
                mandate=mandate, kind=unit.kind, number=unit.number, sub_item=unit.sub_item, label=unit.label,
                text="", text_fr=unit.text, eid=unit.eid, official=True, position=unit.position,
            ))
        elif row.text_fr != unit.text:
            row.text_fr = unit.text
            changed.append(row)
    if new and mandate.paragraphs.filter(official=False).exists():
        # The note's extracts keep their labels until the English text arrives to match them.
        new = [p for p in new if not mandate.paragraphs.filter(label=p.label).exists()]
    MandateParagraph.objects.bulk_create(new)
    MandateParagraph.objects.bulk_update(changed, ["text_fr"])
    outcome.created += len(new)
    outcome.updated += len(changed)
    outcome.changed |= bool(new or changed)
    if unpaired:
        outcome.warnings.append(ngettext(
            "%(count)d French paragraph has no English counterpart: %(labels)s",
            "%(count)d French paragraphs have no English counterpart: %(labels)s", len(unpaired),
        ) % {"count": len(unpaired), "labels": ", ".join(unpaired[:5])})


# --- the service ---------------------------------------------------------------------------


def describe(outcome: ResolutionOutcome, parsed: ParsedResolution) -> list[str]:
    """What an import did (or would do), line by line, in the active language."""
    language = {"en": _("English"), "fr": _("French")}[parsed.language]
    if not outcome.changed:
        lines = [_("%(symbol)s (%(language)s) is already imported; nothing changed.") % {
            "symbol": parsed.symbol, "language": language,
        }]
    else:
        expiry = (
            _("terminates the mandate as of %(day)s") % {"day": day_month_year(parsed.terminated_as_of)}
            if parsed.terminates and parsed.terminated_as_of
            else _("terminates the mandate") if parsed.terminates
            else _("expires %(day)s") % {"day": day_month_year(parsed.expires_on)} if parsed.expires_on
            else _("expiry not read: a person must set it")
        )
        facts = {
            "symbol": parsed.symbol, "language": language, "mission": parsed.mission, "situation": parsed.situation,
            "adopted": day_month_year(parsed.adopted_on), "expiry": expiry,
        }
        if outcome.dry_run:
            first = _("Would import %(symbol)s (%(language)s), %(mission)s, %(situation)s: adopted %(adopted)s, %(expiry)s")
        else:
            first = _("Imported %(symbol)s (%(language)s), %(mission)s, %(situation)s: adopted %(adopted)s, %(expiry)s")
        lines = [
            first % facts + (_(" — new mandate") if outcome.mandate_created else ""),
            "  " + _(
                "%(preambular)d preambular and %(operative)d operative units; %(created)d added, %(updated)d updated, "
                "%(upgraded)d note extract(s) matched"
            ) % {
                "preambular": parsed.count("preambular"), "operative": parsed.count("operative"),
                "created": outcome.created, "updated": outcome.updated, "upgraded": outcome.upgraded,
            },
        ]
        if outcome.terminated:
            lines.append("  " + _("%(terminated)s is terminated by %(symbol)s") % {
                "terminated": outcome.terminated, "symbol": parsed.symbol,
            })
    lines += ["  " + _("warning: %(warning)s") % {"warning": w} for w in outcome.warnings]
    return lines


def import_resolution(*, data: bytes, dry_run: bool = False) -> ResolutionOutcome:
    """Import one resolution file (English or French) in one transaction.

    Creates or completes the Mandate (symbol from the FRBR URI, adoption date, mission,
    situation, expiry from the operative text), writes its official paragraphs (English text,
    or French text paired by label), links ``renews``/``terminated_by`` along the mission's
    chain, and moves a note's links, quotations and uptake from its extracts to the official
    paragraphs they quote (deleting the extracts). The same file again changes nothing.
    Raises ResolutionError (nothing written) for bad input. With ``dry_run`` all is rolled back.
    """
    parsed = parse_resolution(data)
    outcome = ResolutionOutcome(symbol=parsed.symbol, language=parsed.language, dry_run=dry_run)
    outcome.warnings.extend(parsed.warnings)
    with transaction.atomic():
        mandate = _get_or_create_mandate(parsed, outcome)
        if mandate.mission != parsed.mission and parsed.language == "en":
            raise ResolutionError(
                _("%(symbol)s is recorded for %(recorded)s, but the file is about %(mission)s")
                % {"symbol": parsed.symbol, "recorded": mandate.mission, "mission": parsed.mission}
            )
        if parsed.language == "en":
            _save_english(mandate, parsed.units, outcome)
        else:
            _save_french(mandate, parsed.units, outcome)
        _link_chain(mandate, outcome)
        outcome.mandate_id = mandate.pk
        if dry_run:
            transaction.set_rollback(True)
            outcome.mandate_id = None
    outcome.lines = describe(outcome, parsed)
    return outcome
