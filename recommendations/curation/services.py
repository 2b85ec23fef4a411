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
from django.utils.translation import gettext_lazy as _

from recommendations import access
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
    rights that access.py derives from the Ownership row itself, nothing to grant. Side
    effect: the stored Recommendation.has_owner, in the recommendation's lock."""
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        _, created = Ownership.objects.get_or_create(
            recommendation=locked, entity=entity, defaults={"assigned_by": assigned_by}
        )
        recommendation.has_owner = _store_has_owner(locked)
    return created


def remove_owner(*, recommendation: Recommendation, entity: Entity) -> bool:
    """Remove ``entity`` from the owners. Returns False when it was not one. Its focal points'
    rights on the recommendation (and on the situation, where it owns nothing else) go with
    the row. Side effect: the stored Recommendation.has_owner, in the recommendation's lock."""
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        deleted, _ = Ownership.objects.filter(recommendation=locked, entity=entity).delete()
        recommendation.has_owner = _store_has_owner(locked)
    return bool(deleted)


def refresh_has_owner(*, recommendation: Recommendation) -> bool:
    """Store whether ``recommendation`` has an owner, from its Ownership rows, in its lock: for
    owners changed outside assign_owner/remove_owner (the admin's inline). Returns the flag."""
    with transaction.atomic():
        return _store_has_owner(Recommendation.objects.select_for_update().get(pk=recommendation.pk))


def _store_has_owner(locked: Recommendation) -> bool:
    """Inside the recommendation's lock: Recommendation.has_owner from the Ownership rows (the
    rule: an Ownership row exists). A queryset update, so the history records no change of
    the recommendation itself (the Ownership row has its own entry)."""
    has_owner = Ownership.objects.filter(recommendation=locked).exists()
    if has_owner != locked.has_owner:
        Recommendation.objects.filter(pk=locked.pk).update(has_owner=has_owner)
        locked.has_owner = has_owner
    return has_owner


def link_paragraph(*, recommendation: Recommendation, paragraph: MandateParagraph, user: User | None) -> ParagraphLink:
    """Link (confirmed) a recommendation to a paragraph of a mandate of its situation, or
    confirm a suggested link."""
    if paragraph.mandate.situation_id != recommendation.situation_id:
        raise ValidationError(_("That paragraph belongs to a mandate of another situation."))
    with transaction.atomic():
        link, created = ParagraphLink.objects.get_or_create(
            recommendation=recommendation, paragraph=paragraph, defaults={"confirmed": True, "created_by": user}
        )
        if not created and not link.confirmed:
            # save(), not update(): the history (curation/history.py) records the change.
            link.confirmed, link.created_by = True, user
            link.save(update_fields=["confirmed", "created_by"])
    return link


def unlink_paragraph(*, recommendation: Recommendation, paragraph: MandateParagraph) -> bool:
    with transaction.atomic():
        deleted, _ = ParagraphLink.objects.filter(recommendation=recommendation, paragraph=paragraph).delete()
    return bool(deleted)


def set_due_date(*, recommendation: Recommendation, due_on: dt.date | None) -> None:
    with transaction.atomic():
        # save(), not update(): the history (curation/history.py) records the change.
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        locked.due_on = due_on
        locked.save(update_fields=["due_on"])
    recommendation.due_on = due_on


def set_uptake(*, recommendation: Recommendation, uptake: str, paragraph: MandateParagraph | None = None) -> None:
    """Record how the Council took up the recommendation; ``paragraph`` is the paragraph of
    the new resolution that reflects it (required unless pending or not reflected)."""
    if uptake not in Uptake.values:
        raise ValidationError(_("Unknown uptake %(value)r.") % {"value": uptake})
    needs_paragraph = uptake in (Uptake.REFLECTED, Uptake.PARTLY_REFLECTED)
    if needs_paragraph and paragraph is None:
        raise ValidationError(_("Say which paragraph of the new resolution reflects it."))
    if paragraph is not None and paragraph.mandate.situation_id != recommendation.situation_id:
        raise ValidationError(_("That paragraph belongs to a mandate of another situation."))
    paragraph = paragraph if needs_paragraph else None
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        locked.uptake, locked.uptake_paragraph = uptake, paragraph
        locked.save(update_fields=["uptake", "uptake_paragraph"])
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
    corrects: StatusUpdate | None = None,
    at: dt.datetime | None = None,
) -> StatusUpdate:
    """Append a status update and make its status the recommendation's current one.

    ``at``: when it was recorded, if not now (the demo's updates spread over a cycle).

    ``corrects``: an earlier standing update of the same recommendation that this one
    replaces (a correction, which then needs a note saying what was wrong): the earlier one
    no longer counts anywhere (access.standing_q); nothing is edited or deleted.

    The caller has checked the author's right (access.require_update_status, and
    access.may_correct for a correction). Raises ValidationError, writing nothing, for an
    unknown status or visibility, bad evidence, or an update that cannot be corrected.
    When ``on_behalf_of`` is not given it is the author's entity among the owners, if any."""
    if status not in ImplementationStatus.values:
        raise ValidationError(_("Unknown status %(value)r.") % {"value": status})
    if visibility not in StatusUpdate.Visibility.values:
        raise ValidationError(_("Unknown visibility %(value)r.") % {"value": visibility})
    if corrects is not None and not note.strip():
        raise ValidationError(_("Say what the correction changes: a note is required."))
    evidence = clean_evidence(evidence or [])
    with transaction.atomic():
        # Serialise updates of one recommendation so the denormalised status is the latest.
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if corrects is not None:
            _check_correctable(locked, corrects)
        if on_behalf_of is None:
            on_behalf_of = locked.owners.filter(group__user=author).first()
        now = at or timezone.now()
        update = StatusUpdate.objects.create(
            recommendation=locked, status=status, note=note.strip(), evidence=evidence,
            visibility=visibility, author=author, on_behalf_of=on_behalf_of, created_at=now,
            kind=StatusUpdate.Kind.CORRECTION if corrects is not None else StatusUpdate.Kind.UPDATE, corrects=corrects,
        )
        shared = _store_readings(locked, status=status, last_update_at=now, shared_changed=(
            visibility == StatusUpdate.Visibility.SHARED
            or (corrects is not None and corrects.visibility == StatusUpdate.Visibility.SHARED)
        ))
    recommendation.status, recommendation.last_update_at = status, now
    recommendation.shared_status, recommendation.shared_update_at = shared
    return update


def withdraw_status_update(
    *, update: StatusUpdate, author: User, reason: str, at: dt.datetime | None = None
) -> StatusUpdate:
    """Append a withdrawal of ``update`` ("shared by mistake"): it no longer counts anywhere
    (access.standing_q) and stays, struck through with the reason, in the history of those
    who read internal updates. Nothing is edited or deleted.

    Side effects: the recommendation's stored status and last update become those of its
    latest update still standing ("not started" and none when there is none left), in the
    same lock as record_status_update. The withdrawal itself is internal and carries that
    status. The caller has checked access.may_correct. Raises ValidationError, writing
    nothing, without a reason or for an update that cannot be withdrawn."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the update is withdrawn."))
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=update.recommendation_id)
        _check_correctable(locked, update)
        latest = (
            StatusUpdate.objects.filter(access.standing_q(), recommendation=locked)
            .exclude(pk=update.pk).order_by("-created_at", "-id").first()
        )
        status = latest.status if latest else ImplementationStatus.NOT_STARTED
        last_update_at = latest.created_at if latest else None
        withdrawal = StatusUpdate.objects.create(
            recommendation=locked, status=status, note=reason, evidence=[],
            visibility=StatusUpdate.Visibility.INTERNAL, author=author,
            on_behalf_of=locked.owners.filter(group__user=author).first(), created_at=at or timezone.now(),
            kind=StatusUpdate.Kind.WITHDRAWAL, corrects=update,
        )
        _store_readings(locked, status=status, last_update_at=last_update_at,
                        shared_changed=update.visibility == StatusUpdate.Visibility.SHARED)
    return withdrawal


def _store_readings(
    locked: Recommendation, *, status: str, last_update_at: dt.datetime | None, shared_changed: bool
) -> tuple[str, dt.datetime | None]:
    """Inside the recommendation's lock: store its status and last update, and the status and
    time shown to those who may not read its internal updates (access.shared_reading, the
    rule), recomputed when the update touched a shared one (an internal update leaves the
    shared reading as it was). Returns the shared reading."""
    if shared_changed:
        shared = access.shared_reading(locked.pk)
    else:
        shared = (locked.shared_status, locked.shared_update_at)
    Recommendation.objects.filter(pk=locked.pk).update(
        status=status, last_update_at=last_update_at, shared_status=shared[0], shared_update_at=shared[1]
    )
    return shared


def _check_correctable(recommendation: Recommendation, update: StatusUpdate) -> None:
    """Inside the recommendation's lock: ``update`` is one of its updates, still standing."""
    if update.recommendation_id != recommendation.pk:
        raise ValidationError(_("That update belongs to another recommendation."))
    if update.kind == StatusUpdate.Kind.WITHDRAWAL:
        raise ValidationError(_("A withdrawal cannot itself be corrected or withdrawn."))
    if StatusUpdate.objects.filter(corrects=update).exists():
        raise ValidationError(_("That update has already been corrected or withdrawn."))
