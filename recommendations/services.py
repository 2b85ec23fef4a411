"""Every write. Keyword-only functions, each one transaction; the docstring lists side
effects beyond the rows the name implies (permissions granted, emails queued)."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field

import pycountry
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from recommendations import suggest
from recommendations.access import COUNCIL_EXPERTS_GROUP, SECRETARIAT_GROUP
from recommendations.importer import NoteError, ParsedNote, decode_note, parse_note
from recommendations.models import (
    Briefing,
    Entity,
    ImplementationStatus,
    Mandate,
    MandateParagraph,
    Ownership,
    ParagraphLink,
    Recommendation,
    Situation,
    StatusUpdate,
    Theme,
    Uptake,
)

# --- roles -----------------------------------------------------------------------------------

# Model permissions of the secretariat's group, beyond "curate": the admin needs them.
# Status updates may be added and viewed there, never changed or deleted.
_SECRETARIAT_MODEL_PERMS = {
    "situation": ("add", "change", "view"),
    "mandate": ("add", "change", "view"),
    "mandateparagraph": ("add", "change", "view"),
    "briefing": ("view",),
    "entity": ("add", "change", "view"),
    "theme": ("add", "change", "view"),
    "recommendation": ("add", "change", "view", "curate"),
    "ownership": ("add", "change", "delete", "view"),
    "paragraphlink": ("add", "change", "delete", "view"),
    "statusupdate": ("add", "view"),
    "reminder": ("view",),
    "progressreport": ("add", "view"),
}


def ensure_role_groups() -> tuple[Group, Group]:
    """Create (or complete) the "Secretariat" and "Council experts" groups. Idempotent.

    Side effects: grants the secretariat group its model permissions."""
    with transaction.atomic():
        secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        experts, _ = Group.objects.get_or_create(name=COUNCIL_EXPERTS_GROUP)
        wanted = [
            (model, action if action == "curate" else f"{action}_{model}")
            for model, actions in _SECRETARIAT_MODEL_PERMS.items()
            for action in actions
        ]
        perms = Permission.objects.filter(content_type__app_label="recommendations")
        by_key = {(p.content_type.model, p.codename): p for p in perms.select_related("content_type")}
        secretariat.permissions.add(*(by_key[key] for key in wanted))
    return secretariat, experts


def create_entity(*, name: str) -> Entity:
    """The entity with this name, created with its focal points' group if it is new."""
    with transaction.atomic():
        entity = Entity.objects.filter(name=name).first()
        if entity is None:
            group, _ = Group.objects.get_or_create(name=f"Focal points: {name}")
            entity = Entity.objects.create(name=name, group=group)
    return entity


def add_focal_point(*, entity: Entity, user: User) -> None:
    entity.group.user_set.add(user)


def follow_situation(*, user: User, situation: Situation) -> None:
    """Make ``user`` a Council expert who follows ``situation``.

    Side effects: adds the user to "Council experts"; grants view_situation on it."""
    with transaction.atomic():
        _, experts = ensure_role_groups()
        user.groups.add(experts)
        assign_perm("view_situation", user, situation)


def unfollow_situation(*, user: User, situation: Situation) -> None:
    remove_perm("view_situation", user, situation)


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
    existing = set(mandate.paragraphs.values_list("kind", "number", "sub_item"))
    new = [
        MandateParagraph(
            mandate=mandate, kind=p.kind, number=p.number, sub_item=p.sub_item, text=p.text, position=p.position
        )
        for p in pm.paragraphs
        if (p.kind, p.number, p.sub_item) not in existing
    ]
    MandateParagraph.objects.bulk_create(new)
    return mandate, created, len(new)


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
    missing = [Theme(slug=slug, name=name) for slug, (name, _) in suggest.THEMES.items() if slug not in themes]
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
    prefix = _reference_prefix(situation, parsed.issued_on)
    due_on = mandate.expires_on - dt.timedelta(days=settings.WPS_DUE_DAYS_BEFORE_RENEWAL)
    themes = _ensure_themes()
    paragraphs = list(mandate.paragraphs.order_by("position"))
    paragraph_texts = [(p.pk, p.text) for p in paragraphs]
    for index, parsed_rec in enumerate(parsed.recommendations, start=1):
        previous = _find_previous(situation, parsed_rec.text, parsed.issued_on)
        rec = Recommendation.objects.create(
            briefing=briefing, situation=situation, reference=f"{prefix}-R{index:02d}", position=index,
            text=parsed_rec.text, addressee=parsed_rec.addressee, due_on=due_on,
            previous=previous, relation_to_previous=Recommendation.Relation.REPEATS if previous else "",
        )
        rec.themes.set([themes[slug] for slug in suggest.suggest_themes(rec.text)])
        ParagraphLink.objects.bulk_create(
            ParagraphLink(recommendation=rec, paragraph_id=pk, confirmed=False)
            for pk in suggest.suggest_paragraphs(rec.text, paragraph_texts)
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


# --- ownership and links ---------------------------------------------------------------------


def assign_owner(*, recommendation: Recommendation, entity: Entity, assigned_by: User | None) -> bool:
    """Make ``entity`` an owner. Returns False when it already was.

    Side effects: grants the entity's group update_status on the recommendation and
    view_situation on its situation."""
    with transaction.atomic():
        _, created = Ownership.objects.get_or_create(
            recommendation=recommendation, entity=entity, defaults={"assigned_by": assigned_by}
        )
        assign_perm("update_status", entity.group, recommendation)
        assign_perm("view_situation", entity.group, recommendation.situation)
    return created


def remove_owner(*, recommendation: Recommendation, entity: Entity) -> bool:
    """Remove ``entity`` from the owners. Returns False when it was not one.

    Side effects: revokes the group's update_status on it, and view_situation on the
    situation when the entity owns nothing else there."""
    with transaction.atomic():
        deleted, _ = Ownership.objects.filter(recommendation=recommendation, entity=entity).delete()
        remove_perm("update_status", entity.group, recommendation)
        still_there = Ownership.objects.filter(entity=entity, recommendation__situation=recommendation.situation_id)
        if not still_there.exists():
            remove_perm("view_situation", entity.group, recommendation.situation)
    return bool(deleted)


def link_paragraph(*, recommendation: Recommendation, paragraph: MandateParagraph, user: User | None) -> ParagraphLink:
    """Link (confirmed) a recommendation to a paragraph of a mandate of its situation, or
    confirm a suggested link."""
    if paragraph.mandate.situation_id != recommendation.situation_id:
        raise ValidationError("That paragraph belongs to a mandate of another situation.")
    with transaction.atomic():
        link, created = ParagraphLink.objects.get_or_create(
            recommendation=recommendation, paragraph=paragraph, defaults={"confirmed": True, "created_by": user}
        )
        if not created and not link.confirmed:
            ParagraphLink.objects.filter(pk=link.pk).update(confirmed=True, created_by=user)
            link.refresh_from_db()
    return link


def unlink_paragraph(*, recommendation: Recommendation, paragraph: MandateParagraph) -> bool:
    with transaction.atomic():
        deleted, _ = ParagraphLink.objects.filter(recommendation=recommendation, paragraph=paragraph).delete()
    return bool(deleted)


def set_due_date(*, recommendation: Recommendation, due_on: dt.date | None) -> None:
    with transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(due_on=due_on)
    recommendation.due_on = due_on


def set_uptake(*, recommendation: Recommendation, uptake: str, paragraph: MandateParagraph | None = None) -> None:
    """Record how the Council took up the recommendation; ``paragraph`` is the paragraph of
    the new resolution that reflects it (required unless pending or not reflected)."""
    if uptake not in Uptake.values:
        raise ValidationError(f"Unknown uptake {uptake!r}.")
    needs_paragraph = uptake in (Uptake.REFLECTED, Uptake.PARTLY_REFLECTED)
    if needs_paragraph and paragraph is None:
        raise ValidationError("Say which paragraph of the new resolution reflects it.")
    if paragraph is not None and paragraph.mandate.situation_id != recommendation.situation_id:
        raise ValidationError("That paragraph belongs to a mandate of another situation.")
    paragraph = paragraph if needs_paragraph else None
    with transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(uptake=uptake, uptake_paragraph=paragraph)
    recommendation.uptake, recommendation.uptake_paragraph = uptake, paragraph


# --- status updates --------------------------------------------------------------------------

# UN document symbols: S/2022/595, S/RES/2640 (2022), A/HRC/52/12, S/PRST/2023/1.
_UN_SYMBOL = re.compile(r"^[A-Z]{1,6}(/[A-Z0-9.\-]+)+( \(\d{4}\))?$")
_validate_url = URLValidator(schemes=["https", "http"])


def clean_evidence(items: list[str]) -> list[str]:
    """Evidence as given, stripped and de-duplicated; ValidationError naming the first
    item that is neither a UN document symbol nor an http(s) link."""
    cleaned: list[str] = []
    for raw in items:
        item = raw.strip()
        if not item or item in cleaned:
            continue
        if not _UN_SYMBOL.match(item):
            try:
                _validate_url(item)
            except ValidationError:
                raise ValidationError(
                    f"“{item}” is neither a UN document symbol (such as S/2022/595) nor a web link."
                ) from None
        cleaned.append(item)
    return cleaned


def record_status_update(
    *,
    recommendation: Recommendation,
    author: User,
    status: str,
    note: str = "",
    evidence: list[str] | None = None,
    visibility: str = StatusUpdate.Visibility.INTERNAL,
    on_behalf_of: Entity | None = None,
) -> StatusUpdate:
    """Append a status update and make its status the recommendation's current one.

    The caller has checked the author's right (access.require_update_status). Raises
    ValidationError, writing nothing, for an unknown status or visibility or bad evidence.
    When ``on_behalf_of`` is not given it is the author's entity among the owners, if any."""
    if status not in ImplementationStatus.values:
        raise ValidationError(f"Unknown status {status!r}.")
    if visibility not in StatusUpdate.Visibility.values:
        raise ValidationError(f"Unknown visibility {visibility!r}.")
    evidence = clean_evidence(evidence or [])
    with transaction.atomic():
        # Serialise updates of one recommendation so the denormalised status is the latest.
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if on_behalf_of is None:
            on_behalf_of = locked.owners.filter(group__user=author).first()
        now = timezone.now()
        update = StatusUpdate.objects.create(
            recommendation=locked, status=status, note=note.strip(), evidence=evidence,
            visibility=visibility, author=author, on_behalf_of=on_behalf_of, created_at=now,
        )
        Recommendation.objects.filter(pk=locked.pk).update(status=status, last_update_at=now)
    recommendation.status, recommendation.last_update_at = status, now
    return update
