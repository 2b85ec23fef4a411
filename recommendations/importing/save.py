"""Saving a note: one transaction that writes the briefing, its recommendations, the mandate
and the paragraphs its annex quotes, with suggested themes and links."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field

import pycountry
from django.conf import settings
from django.db import IntegrityError, transaction

from recommendations.curation.services import assign_owner
from recommendations.importing.decode import decode_note
from recommendations.importing.note import parse_note
from recommendations.importing.parsed import (
    MAX_ANNEX_PARAGRAPHS,
    MAX_RECOMMENDATIONS,
    MAX_YEAR,
    MIN_YEAR,
    NoteError,
    ParsedNote,
)
from recommendations.importing.suggest import THEMES, suggest_paragraphs, suggest_themes
from recommendations.models import (
    Briefing,
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
    references: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


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


def _get_or_create_mandate(parsed: ParsedNote, situation: Situation) -> tuple[Mandate, bool, int]:
    pm = parsed.mandate
    mandate = Mandate.objects.filter(symbol=pm.symbol).first()
    created = mandate is None
    if created:
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
        raise NoteError(f"{pm.symbol} is already recorded for {mandate.situation}, not {situation}", None)
    if mandate.paragraphs.filter(official=True).exists():
        # The resolution itself is imported: its units are the paragraphs; the note's extracts
        # are kept as its quotations only (_save_quotations matches them).
        return mandate, created, 0
    existing = set(mandate.paragraphs.values_list("label", flat=True))
    new = []
    for p in pm.paragraphs:
        label = MandateParagraph.label_of(kind=p.kind, number=p.number, sub_item=p.sub_item)
        if label not in existing:
            new.append(MandateParagraph(
                mandate=mandate, kind=p.kind, number=p.number, sub_item=p.sub_item, label=label, text=p.text,
                position=p.position,
            ))
    MandateParagraph.objects.bulk_create(new)
    return mandate, created, len(new)


def _save_quotations(*, briefing: Briefing, mandate: Mandate, parsed: ParsedNote) -> None:
    """The note's own quotation of each paragraph its annex quotes, kept with the note."""
    if mandate.paragraphs.filter(official=True).exists():
        from recommendations.importing.resolution import save_official_quotations

        save_official_quotations(briefing=briefing, mandate=mandate, extracts=parsed.mandate.paragraphs)
        return
    by_label = {p.label: p for p in mandate.paragraphs.all()}
    ParagraphQuotation.objects.bulk_create(
        ParagraphQuotation(briefing=briefing, paragraph=by_label[label], label=label, text=p.text, position=position)
        for position, p in enumerate(parsed.mandate.paragraphs, start=1)
        if (label := MandateParagraph.label_of(kind=p.kind, number=p.number, sub_item=p.sub_item)) in by_label
    )


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
    mandate, outcome.mandate_created, outcome.paragraphs_created = _get_or_create_mandate(parsed, situation)
    briefing = Briefing.objects.create(
        situation=situation, mandate=mandate, title=parsed.title, issued_on=parsed.issued_on,
        earlier_meetings=list(parsed.earlier_meetings), original_text=text, sha256=sha256,
        imported_by=user if user and user.is_authenticated else None,
    )
    _save_quotations(briefing=briefing, mandate=mandate, parsed=parsed)
    prefix = _reference_prefix(situation, parsed.issued_on)
    due_on = mandate.expires_on and mandate.expires_on - dt.timedelta(days=settings.WPS_DUE_DAYS_BEFORE_RENEWAL)
    themes = _ensure_themes()
    # Suggested links go to the paragraphs this note quotes (all of the resolution's otherwise).
    paragraphs = list(mandate.paragraphs.filter(quotations__briefing=briefing).distinct().order_by("position")) or list(
        mandate.paragraphs.order_by("position")
    )
    paragraph_texts = [(p.pk, p.text) for p in paragraphs]
    for index, parsed_rec in enumerate(parsed.recommendations, start=1):
        previous = _find_previous(situation, parsed_rec.text, parsed.issued_on)
        rec = Recommendation.objects.create(
            briefing=briefing, situation=situation, reference=f"{prefix}-R{index:02d}", position=index,
            text=parsed_rec.text, addressee=parsed_rec.addressee, due_on=due_on,
            previous=previous, relation_to_previous=Recommendation.Relation.REPEATS if previous else "",
        )
        rec.themes.set([themes[slug] for slug in suggest_themes(rec.text)])
        ParagraphLink.objects.bulk_create(
            ParagraphLink(recommendation=rec, paragraph_id=pk, confirmed=False)
            for pk in suggest_paragraphs(rec.text, paragraph_texts)
        )
        if previous:
            for entity in previous.owners.all():
                assign_owner(recommendation=rec, entity=entity, assigned_by=None)
        outcome.references.append(rec.reference)
    outcome.briefing_id = briefing.pk
    outcome.situation = situation.name
    outcome.mandate_symbol = mandate.symbol
    return outcome


def describe_import(outcome: ImportOutcome) -> list[str]:
    """Human-readable lines for the command and the upload preview."""
    parsed = outcome.parsed
    verb = "Would create" if outcome.dry_run else "Created"
    lines = [
        f"{verb} briefing: {parsed.title} ({parsed.issued_on:%d %B %Y}), situation {outcome.situation}",
        f"  earlier IEG meetings: {', '.join(parsed.earlier_meetings) or 'none'}",
        f"  mandate {outcome.mandate_symbol} ({parsed.mandate.mission}, expires {parsed.mandate.expires_on:%d %B %Y})"
        + (" — new" if outcome.mandate_created else " — already recorded")
        + f", {outcome.paragraphs_created} paragraph(s) added",
        f"  {len(outcome.references)} recommendation(s):",
    ]
    for reference, rec in zip(outcome.references, parsed.recommendations):
        excerpt = rec.text if len(rec.text) <= 90 else rec.text[:87].rstrip() + "..."
        lines.append(f"    {reference} [{rec.addressee}] {excerpt}")
    return lines


def _too_long(what: str, value: str, model, field_name: str, line: int | None) -> None:
    limit = model._meta.get_field(field_name).max_length
    if len(value) > limit:
        raise NoteError(f"{what} is {len(value)} characters long; at most {limit} are allowed: {value[:60]!r}...", line)


def _check_date(what: str, value: dt.date, line: int | None) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise NoteError(f"{what} {value.isoformat()} is not a date between {MIN_YEAR} and {MAX_YEAR}", line)


def validate_parsed_note(parsed: ParsedNote, *, situation_name: str | None = None) -> None:
    """Refuse, with a one-line NoteError, a parsed note that saving would choke on: a value
    longer than its column (situation name, the situation code derived from it, title,
    resolution symbol, mission, paragraph numbers and labels), a date outside MIN_YEAR to
    MAX_YEAR, more than MAX_RECOMMENDATIONS recommendations or MAX_ANNEX_PARAGRAPHS annex
    paragraphs. Called before anything is written; reads only (the code's uniqueness)."""
    mandate = parsed.mandate
    if len(parsed.recommendations) > MAX_RECOMMENDATIONS:
        raise NoteError(
            f"the note has {len(parsed.recommendations)} recommendations; at most {MAX_RECOMMENDATIONS} are allowed",
            parsed.recommendations[MAX_RECOMMENDATIONS].line,
        )
    if len(mandate.paragraphs) > MAX_ANNEX_PARAGRAPHS:
        raise NoteError(
            f"the annex quotes {len(mandate.paragraphs)} paragraphs; at most {MAX_ANNEX_PARAGRAPHS} are allowed",
            mandate.paragraphs[MAX_ANNEX_PARAGRAPHS].line,
        )
    name = situation_name or parsed.situation
    _too_long("The situation name", name, Situation, "name", None)
    if not Situation.objects.filter(name__iexact=name).exists():
        _too_long(f"The code made from the situation name {name[:40]!r}", _situation_code(name), Situation, "code", None)
    _too_long("The title", parsed.title, Briefing, "title", 1)
    _check_date("The note's date", parsed.issued_on, 1)
    _too_long("The resolution symbol", mandate.symbol, Mandate, "symbol", mandate.line or None)
    _too_long("The mission's name", mandate.mission, Mandate, "mission", mandate.line or None)
    _check_date("The mandate's expiry", mandate.expires_on, mandate.line or None)
    for p in mandate.paragraphs:
        _too_long("A paragraph number", p.number, MandateParagraph, "number", p.line)
        _too_long("A paragraph's sub-item", p.sub_item, MandateParagraph, "sub_item", p.line)
        label = MandateParagraph.label_of(kind=p.kind, number=p.number, sub_item=p.sub_item)
        _too_long("A paragraph's label", label, MandateParagraph, "label", p.line)


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
    outcome.lines = [f"Already imported on {existing.imported_at:%d %B %Y}: {existing.title}; nothing changed."]
    return outcome
