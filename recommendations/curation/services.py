"""Curation writes: owners, paragraph links, due dates, uptake and status updates. Keyword-only
functions, each one transaction; the docstring lists side effects beyond the rows the name
implies."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from recommendations.models import (
    Entity,
    ImplementationStatus,
    MandateParagraph,
    Ownership,
    ParagraphLink,
    Recommendation,
    StatusUpdate,
    Uptake,
)

# --- ownership and links ---------------------------------------------------------------------


def assign_owner(*, recommendation: Recommendation, entity: Entity, assigned_by: User | None) -> bool:
    """Make ``entity`` an owner. Returns False when it already was.

    Its focal points may then record updates on the recommendation and read its situation:
    rights that access.py derives from the Ownership row itself, nothing to grant."""
    with transaction.atomic():
        _, created = Ownership.objects.get_or_create(
            recommendation=recommendation, entity=entity, defaults={"assigned_by": assigned_by}
        )
    return created


def remove_owner(*, recommendation: Recommendation, entity: Entity) -> bool:
    """Remove ``entity`` from the owners. Returns False when it was not one. Its focal points'
    rights on the recommendation (and on the situation, where it owns nothing else) go with
    the row."""
    with transaction.atomic():
        deleted, _ = Ownership.objects.filter(recommendation=recommendation, entity=entity).delete()
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
