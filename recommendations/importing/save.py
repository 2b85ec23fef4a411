"""Saving a note: one transaction that writes the briefing, its recommendations, the mandate
and the paragraphs its annex quotes, with suggested themes and links."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field

import pycountry
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from recommendations import rules
from recommendations.curation.services import assign_owner
from recommendations.dates import day_month_year
from recommendations.importing.decode import decode_note
from recommendations.importing.links import AnnexIndex, suggest_links
from recommendations.importing.note import parse_note
from recommendations.importing.parsed import (
    MAX_ANNEX_PARAGRAPHS,
    MAX_RECOMMENDATIONS,
    MAX_YEAR,
    MIN_YEAR,
    NoteError,
    ParsedNote,
)
from recommendations.importing.suggest import THEMES, suggest_themes, theme_names
from recommendations.models import (
    Briefing,
    Entity,
    Mandate,
    MandateParagraph,
    ParagraphLink,
    ParagraphQuotation,
    Recommendation,
    Situation,
    Theme,
)

# --- import ----------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    """What an import did, or (dry run) would do. Plain values, usable after a rollback."""

    created: bool
    dry_run: bool
    parsed: ParsedNote
    sha256: str
    briefing_id: int | None = None
    situation: str = ""
    mandate_symbol: str = ""
    mandate_created: bool = False
    paragraphs_created: int = 0
    # Labels of the annex's paragraphs: added to the mandate; already recorded with the same
    # text; recorded as a "(...)" extract and given this note's fuller text; recorded with
    # another text, which stays (this note's own quotation is kept with the note).
    paragraphs_added: list[str] = field(default_factory=list)
    paragraphs_same: list[str] = field(default_factory=list)
    paragraphs_fuller: list[str] = field(default_factory=list)
    paragraphs_differ: list[str] = field(default_factory=list)
    # The resolution itself is imported: the note adds no paragraph, its extracts are matched.
    paragraphs_official: bool = False
    due_on: dt.date | None = None
    due_note: str = ""  # why the due date is not the default lead time before renewal
    references: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass
class PreviewRow:
    """One recommendation as the import makes it (for the preview and the command)."""

    reference: str
    addressee: str
    text: str
    themes: list[str]  # theme names
    cited: list[str]  # labels the text cites, linked and marked cited
    suggested: list[str]  # labels suggested by shared words
    missing: list[str]  # labels the text cites that the annex does not quote
    owner: str  # the entity suggested as owner ("" for none)
    due_on: dt.date


def _situation_code(name: str) -> str:
    try:
        code = pycountry.countries.lookup(name).alpha_3
    except LookupError:
        initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", name) if word[0].isupper())
        code = (initials if len(initials) >= 2 else re.sub(r"[^A-Za-z]", "", name)[:3]).upper() or "SIT"
    base, n = code, 2
    while Situation.objects.filter(code=code).exists():
        code, n = f"{base}{n}", n + 1
    return code


def _get_or_create_situation(name: str) -> Situation:
    situation = Situation.objects.filter(name__iexact=name).first()
    if situation is None:
        situation = Situation.objects.create(name=name, code=_situation_code(name))
    return situation


def _get_or_create_mandate(parsed: ParsedNote, situation: Situation, outcome: ImportOutcome) -> Mandate:
    pm = parsed.mandate
    mandate = Mandate.objects.filter(symbol=pm.symbol).first()
    outcome.mandate_created = mandate is None
    if mandate is None:
        previous = (
            Mandate.objects.filter(situation=situation, mission=pm.mission, expires_on__lt=pm.expires_on)
            .order_by("-expires_on")
            .first()
        )
        mandate = Mandate.objects.create(
            symbol=pm.symbol, number=pm.number, year=pm.year, mission=pm.mission,
            situation=situation, expires_on=pm.expires_on, renews=previous,
        )
    elif mandate.situation_id != situation.pk:
        raise NoteError(
            _("%(symbol)s is already recorded for %(recorded)s, not %(situation)s")
            % {"symbol": pm.symbol, "recorded": mandate.situation, "situation": situation},
            None,
        )
    _merge_paragraphs(mandate, parsed, outcome)
    return mandate


_CUT = re.compile(r"\s*\(\s*(?:\.\.\.|…)\s*\)\s*")


def _is_fuller(new: str, old: str) -> bool:
    """Whether ``new`` holds all of the "(...)" extract ``old`` and more: the pieces between
    its cuts appear in ``new`` in the same order."""
    if not _CUT.search(old) or len(new) <= len(old):
        return False
    at = 0
    for piece in (" ".join(p.split()) for p in _CUT.split(old)):
        piece = piece.strip(" ,;.")
        if not piece:
            continue
        found = " ".join(new.split()).find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _label_key(label: str) -> tuple:
    """Document order of a note's labels: PP before OP, by number, a paragraph before its
    items, items in order ("z" before "aa", "ii" after "i" as letters of equal length)."""
    kind, _, rest = label.partition(" ")
    number, _, subs = rest.partition(" ")
    items = tuple((len(s), s) for s in re.findall(r"[a-z]+|\d+", subs))
    return (0 if kind == "PP" else 1, int(number) if number.isdigit() else 0, items)


def _merge_paragraphs(mandate: Mandate, parsed: ParsedNote, outcome: ImportOutcome) -> None:
    """Add the annex's paragraphs the mandate lacks, in document order; give an extract the
    note's fuller text; leave any other recorded text as it is (the note's own quotation is
    kept with the note, by _save_quotations). Never drops a quoted paragraph."""
    rows = {p.label: p for p in mandate.paragraphs.all()}
    official = any(p.official for p in rows.values())
    if official:
        # The resolution itself is imported: its units are the paragraphs, and the note's
        # extracts are only its quotations (_save_quotations matches them to the units).
        outcome.paragraphs_official = True
        return
    new, changed = [], []
    for p in parsed.mandate.paragraphs:
        label = MandateParagraph.label_of(kind=p.kind, number=p.number, sub_item=p.sub_item)
        row = rows.get(label)
        if row is None:
            if official:  # the resolution's own units are the rows; this quotation is the note's
                outcome.paragraphs_differ.append(label)
                continue
            row = MandateParagraph(
                mandate=mandate, kind=p.kind, number=p.number, sub_item=p.sub_item, label=label,
                text=p.text, position=0,
            )
            rows[label] = row
            new.append(row)
            outcome.paragraphs_added.append(label)
        elif row.text == p.text:
            outcome.paragraphs_same.append(label)
        elif not row.official and _is_fuller(p.text, row.text):
            row.text = p.text
            changed.append(row)
            outcome.paragraphs_fuller.append(label)
        else:
            outcome.paragraphs_differ.append(label)
    outcome.paragraphs_created = len(new)
    if not new and not changed:
        return
    if not official:
        ordered = sorted(rows.values(), key=lambda row: (_label_key(row.label), row.position))
        for position, row in enumerate(ordered, start=1):
            if row.position != position and row.pk is not None and row not in changed:
                changed.append(row)
            row.position = position
    MandateParagraph.objects.bulk_create(new)
    MandateParagraph.objects.bulk_update(changed, ["text", "position"])


def _save_quotations(*, briefing: Briefing, mandate: Mandate, parsed: ParsedNote) -> None:
    """The note's own quotation of each paragraph its annex quotes, kept with the note (with
    the paragraph of that label, or the nearest one above it that the mandate has). Once the
    resolution itself is imported, each extract goes with the official unit it quotes."""
    if mandate.paragraphs.filter(official=True).exists():
        from recommendations.importing.resolution import save_official_quotations

        save_official_quotations(briefing=briefing, mandate=mandate, extracts=parsed.mandate.paragraphs)
        return
    by_label = {p.label: p for p in mandate.paragraphs.all()}
    quotations = []
    for position, p in enumerate(parsed.mandate.paragraphs, start=1):
        label = MandateParagraph.label_of(kind=p.kind, number=p.number, sub_item=p.sub_item)
        target = by_label.get(label) or by_label.get(MandateParagraph.label_of(kind=p.kind, number=p.number))
        if target is not None:
            quotations.append(ParagraphQuotation(briefing=briefing, paragraph=target, label=label, text=p.text, position=position))
    ParagraphQuotation.objects.bulk_create(quotations)


def _reference_prefix(situation: Situation, issued_on: dt.date) -> str:
    prefix = f"{situation.code}-{issued_on:%Y-%m}"
    taken = Recommendation.objects.filter(reference__startswith=prefix + "-").exists()
    suffix = ord("b")
    while taken:
        candidate = f"{prefix}{chr(suffix)}"
        taken = Recommendation.objects.filter(reference__startswith=candidate + "-").exists()
        if not taken:
            prefix = candidate
        suffix += 1
    return prefix


def _ensure_themes() -> dict[str, Theme]:
    themes = {t.slug: t for t in Theme.objects.all()}
    missing = [Theme(slug=slug, name=name) for slug, (name, _) in THEMES.items() if slug not in themes]
    if missing:
        Theme.objects.bulk_create(missing)
        themes = {t.slug: t for t in Theme.objects.all()}
    return themes


def _find_previous(situation: Situation, text: str, before: dt.date) -> Recommendation | None:
    """An earlier recommendation on the same situation with nearly the same words: the new
    one repeats it."""
    best, best_ratio = None, 0.9
    for earlier in Recommendation.objects.filter(situation=situation, briefing__issued_on__lt=before):
        ratio = difflib.SequenceMatcher(None, earlier.text, text).ratio()
        if ratio >= best_ratio:
            best, best_ratio = earlier, ratio
    return best


def _import_parsed(parsed: ParsedNote, *, text: str, sha256: str, situation_name: str | None, user) -> ImportOutcome:
    outcome = ImportOutcome(created=True, dry_run=False, parsed=parsed, sha256=sha256)
    situation = _get_or_create_situation(situation_name or parsed.situation)
    mandate = _get_or_create_mandate(parsed, situation, outcome)
    briefing = Briefing.objects.create(
        situation=situation, mandate=mandate, title=parsed.title, issued_on=parsed.issued_on,
        earlier_meetings=list(parsed.earlier_meetings), original_text=text, sha256=sha256,
        imported_by=user if user and user.is_authenticated else None,
    )
    _save_quotations(briefing=briefing, mandate=mandate, parsed=parsed)
    prefix = _reference_prefix(situation, parsed.issued_on)
    due_on, outcome.due_note = rules.due_date(expires_on=mandate.expires_on, issued_on=parsed.issued_on)
    outcome.due_on = due_on
    themes = _ensure_themes()
    names = theme_names(THEMES)
    # Suggested links go to the paragraphs this note quotes (all of the mandate's otherwise:
    # once a resolution is imported it has a hundred units the note never mentions).
    paragraphs = list(mandate.paragraphs.filter(quotations__briefing=briefing).distinct().order_by("position")) or list(
        mandate.paragraphs.order_by("position")
    )
    label_of = {p.pk: p.label for p in paragraphs}
    index = AnnexIndex([(p.pk, p.label, p.text) for p in paragraphs], mission=mandate.mission)
    mission_entity = Entity.objects.filter(name__iexact=mandate.mission).first()
    for number, parsed_rec in enumerate(parsed.recommendations, start=1):
        previous = _find_previous(situation, parsed_rec.text, parsed.issued_on)
        rec = Recommendation.objects.create(
            briefing=briefing, situation=situation, reference=f"{prefix}-R{number:02d}", position=number,
            text=parsed_rec.text, addressee=parsed_rec.addressee, due_on=due_on,
            previous=previous, relation_to_previous=Recommendation.Relation.REPEATS if previous else "",
        )
        slugs = suggest_themes(rec.text)
        rec.themes.set([themes[slug] for slug in slugs])
        links = suggest_links(
            rec.text, index, symbol=mandate.symbol, addressee=rec.addressee, context=parsed_rec.context
        )
        ParagraphLink.objects.bulk_create(
            [ParagraphLink(recommendation=rec, paragraph_id=pk, confirmed=False, cited=True) for pk in links.cited]
            + [ParagraphLink(recommendation=rec, paragraph_id=pk, confirmed=False) for pk in links.suggested]
        )
        owners = list(previous.owners.all()) if previous else []
        if rec.addressee == "mission" and mission_entity and mission_entity not in owners:
            owners.append(mission_entity)
        for entity in owners:
            assign_owner(recommendation=rec, entity=entity, assigned_by=user if user and user.is_authenticated else None)
        outcome.references.append(rec.reference)
        outcome.rows.append(PreviewRow(
            reference=rec.reference, addressee=rec.addressee, text=rec.text,
            themes=[names[slug] for slug in slugs],
            cited=[label_of[pk] for pk in links.cited], suggested=[label_of[pk] for pk in links.suggested],
            missing=links.missing, owner=", ".join(e.name for e in owners), due_on=due_on,
        ))
    outcome.briefing_id = briefing.pk
    outcome.situation = situation.name
    outcome.mandate_symbol = mandate.symbol
    return outcome


def _labels(labels: list[str]) -> str:
    return ", ".join(labels) if len(labels) <= 12 else ", ".join(labels[:12]) + f" and {len(labels) - 12} more"


def describe_import(outcome: ImportOutcome) -> list[str]:
    """Human-readable lines for the command and the upload preview: what the import adds,
    what it leaves as it is, and each recommendation as it will be made."""
    parsed = outcome.parsed
    facts = {
        "title": parsed.title, "issued": day_month_year(parsed.issued_on), "situation": outcome.situation,
        "symbol": outcome.mandate_symbol, "mission": parsed.mandate.mission,
        "expires": day_month_year(parsed.mandate.expires_on), "count": outcome.paragraphs_created,
        "extracts": len(parsed.mandate.paragraphs),
    }
    first = (
        _("Would create briefing: %(title)s (%(issued)s), situation %(situation)s") if outcome.dry_run
        else _("Created briefing: %(title)s (%(issued)s), situation %(situation)s")
    )
    mandate = (
        _("mandate %(symbol)s (%(mission)s, expires %(expires)s) — new, %(count)d paragraph(s) added")
        if outcome.mandate_created
        else _("mandate %(symbol)s (%(mission)s, expires %(expires)s) — already recorded, %(count)d paragraph(s) added")
    )
    lines = [
        first % facts,
        "  " + _("earlier IEG meetings: %(meetings)s") % {"meetings": ", ".join(parsed.earlier_meetings) or _("none")},
        "  " + mandate % facts,
    ]
    if outcome.paragraphs_official:
        kept = (
            _("the resolution itself is on record: the note's %(extracts)d extract(s) will be kept as its quotations "
              "of the official paragraphs") if outcome.dry_run
            else _("the resolution itself is on record: the note's %(extracts)d extract(s) did be kept as its "
                   "quotations of the official paragraphs")
        )
        lines.append("    " + kept % facts)
    if outcome.paragraphs_added:
        lines.append("    " + _("adds: %(labels)s") % {"labels": _labels(outcome.paragraphs_added)})
    if outcome.paragraphs_same:
        lines.append("    " + _("leaves as they are (same text): %(labels)s") % {"labels": _labels(outcome.paragraphs_same)})
    if outcome.paragraphs_fuller:
        lines.append(
            "    " + _("gives the fuller text of this note to: %(labels)s") % {"labels": _labels(outcome.paragraphs_fuller)}
        )
    if outcome.paragraphs_differ:
        differ = (
            _("leaves as they are, recorded with another text (this note's quotation will be kept with the note): "
              "%(labels)s") if outcome.dry_run
            else _("leaves as they are, recorded with another text (this note's quotation did be kept with the note): "
                   "%(labels)s")
        )
        lines.append("    " + differ % {"labels": _labels(outcome.paragraphs_differ)})
    if outcome.due_on:
        due = day_month_year(outcome.due_on)
        lines.append("  " + (
            _("due on %(day)s (%(why)s)") % {"day": due, "why": outcome.due_note} if outcome.due_note
            else _("due on %(day)s") % {"day": due}
        ))
    lines.append("  " + _("%(count)d recommendation(s):") % {"count": len(outcome.references)})
    for row in outcome.rows:
        excerpt = row.text.replace("\n", " ")
        excerpt = excerpt if len(excerpt) <= 90 else excerpt[:87].rstrip() + "..."
        lines.append(f"    {row.reference} [{row.addressee}] {excerpt}")
        details = []
        if row.themes:
            details.append(_("themes: %(items)s") % {"items": ", ".join(row.themes)})
        if row.cited:
            details.append(_("cited: %(items)s") % {"items": ", ".join(row.cited)})
        if row.suggested:
            details.append(_("suggested: %(items)s") % {"items": ", ".join(row.suggested)})
        if row.missing:
            details.append(_("cites, not in the annex: %(items)s") % {"items": ", ".join(row.missing)})
        if row.owner:
            details.append(_("owner: %(owner)s") % {"owner": row.owner})
        if details:
            lines.append("      " + "; ".join(details))
    return lines


def _too_long(what: str, value: str, model, field_name: str, line: int | None) -> None:
    limit = model._meta.get_field(field_name).max_length
    if len(value) > limit:
        raise NoteError(
            _("%(what)s is %(length)d characters long; at most %(limit)d are allowed: %(start)r...")
            % {"what": what, "length": len(value), "limit": limit, "start": value[:60]},
            line,
        )


def _check_date(what: str, value: dt.date, line: int | None) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise NoteError(
            _("%(what)s %(date)s is not a date between %(min)d and %(max)d")
            % {"what": what, "date": value.isoformat(), "min": MIN_YEAR, "max": MAX_YEAR},
            line,
        )


def validate_parsed_note(parsed: ParsedNote, *, situation_name: str | None = None) -> None:
    """Refuse, with a one-line NoteError, a parsed note that saving would choke on: a value
    longer than its column (situation name, the situation code derived from it, title,
    resolution symbol, mission, paragraph numbers and labels), a date outside MIN_YEAR to
    MAX_YEAR, more than MAX_RECOMMENDATIONS recommendations or MAX_ANNEX_PARAGRAPHS annex
    paragraphs. Called before anything is written; reads only (the code's uniqueness)."""
    mandate = parsed.mandate
    if len(parsed.recommendations) > MAX_RECOMMENDATIONS:
        raise NoteError(
            _("the note has %(count)d recommendations; at most %(limit)d are allowed")
            % {"count": len(parsed.recommendations), "limit": MAX_RECOMMENDATIONS},
            parsed.recommendations[MAX_RECOMMENDATIONS].line,
        )
    if len(mandate.paragraphs) > MAX_ANNEX_PARAGRAPHS:
        raise NoteError(
            _("the annex quotes %(count)d paragraphs; at most %(limit)d are allowed")
            % {"count": len(mandate.paragraphs), "limit": MAX_ANNEX_PARAGRAPHS},
            mandate.paragraphs[MAX_ANNEX_PARAGRAPHS].line,
        )
    name = situation_name or parsed.situation
    _too_long(_("The situation name"), name, Situation, "name", None)
    if not Situation.objects.filter(name__iexact=name).exists():
        what = _("The code made from the situation name %(name)r") % {"name": name[:40]}
        _too_long(what, _situation_code(name), Situation, "code", None)
    _too_long(_("The title"), parsed.title, Briefing, "title", 1)
    _check_date(_("The note's date"), parsed.issued_on, 1)
    _too_long(_("The resolution symbol"), mandate.symbol, Mandate, "symbol", mandate.line or None)
    _too_long(_("The mission's name"), mandate.mission, Mandate, "mission", mandate.line or None)
    _check_date(_("The mandate's expiry"), mandate.expires_on, mandate.line or None)
    for p in mandate.paragraphs:
        _too_long(_("A paragraph number"), p.number, MandateParagraph, "number", p.line)
        _too_long(_("A paragraph's sub-item"), p.sub_item, MandateParagraph, "sub_item", p.line)
        label = MandateParagraph.label_of(kind=p.kind, number=p.number, sub_item=p.sub_item)
        _too_long(_("A paragraph's label"), label, MandateParagraph, "label", p.line)


def import_ieg_update(*, data: bytes, situation_name: str | None = None, user=None, dry_run: bool = False) -> ImportOutcome:
    """Import one IEG update note: its Briefing, Recommendations (with suggested themes and
    paragraph links, due some days before renewal) and Mandate with paragraphs, in one
    transaction.

    Raises NoteError (nothing written) for bad input. The same note again (same SHA-256 of
    its text) writes nothing and returns ``created=False``. With ``dry_run`` everything is
    done and then rolled back, so the preview shows exactly what a real import would make.
    Side effects: grants owners of a repeated recommendation the same rights on the new one."""
    text = decode_note(data)
    parsed = parse_note(text)
    validate_parsed_note(parsed, situation_name=situation_name)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = Briefing.objects.filter(sha256=sha256).select_related("situation", "mandate").first()
    if existing is not None:
        return _already_imported(existing, parsed=parsed, dry_run=dry_run)
    try:
        with transaction.atomic():
            outcome = _import_parsed(parsed, text=text, sha256=sha256, situation_name=situation_name, user=user)
            outcome.dry_run = dry_run
            if dry_run:
                outcome.briefing_id = None
                transaction.set_rollback(True)
    except IntegrityError:
        # The same note imported at the same moment by someone else (two confirm clicks):
        # the unique hash let one through, and this one is the same note again.
        existing = Briefing.objects.filter(sha256=sha256).select_related("situation", "mandate").first()
        if existing is None:
            raise
        return _already_imported(existing, parsed=parsed, dry_run=dry_run)
    outcome.lines = describe_import(outcome)
    return outcome


def _already_imported(existing: Briefing, *, parsed: ParsedNote, dry_run: bool) -> ImportOutcome:
    outcome = ImportOutcome(
        created=False, dry_run=dry_run, parsed=parsed, sha256=existing.sha256, briefing_id=existing.pk,
        situation=existing.situation.name, mandate_symbol=existing.mandate.symbol if existing.mandate else "",
        references=list(existing.recommendations.order_by("position").values_list("reference", flat=True)),
    )
    outcome.lines = [_("Already imported on %(day)s: %(title)s; nothing changed.") % {
        "day": day_month_year(existing.imported_at), "title": existing.title,
    }]
    return outcome
