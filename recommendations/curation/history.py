"""A recommendation's history: who changed its owners, its paragraph links, its due date and
its Council uptake, and when. Recorded by django-auditlog (a LogEntry per change, made by the
model signals, so the admin's changes are recorded as the pages' are, with the signed-in
user as actor through auditlog's middleware); withdrawals and corrections of status updates
are StatusUpdate rows of their own and join the history here.

Reads: one query for the log entries of a recommendation, its ownerships and its links
(these found through the recommendation id kept in each entry's additional data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations.dates import format_long_date as long_date
from recommendations.models import Ownership, ParagraphLink, Recommendation, StatusUpdate, Uptake

# What the history shows of a recommendation itself: the fields people curate. The status and
# last update come from status updates, which have their own timeline.
RECOMMENDATION_FIELDS = ["due_on", "uptake", "uptake_paragraph", "text", "addressee", "previous", "relation_to_previous"]
FIELD_LABELS = {
    "due_on": gettext_lazy("Due date"), "uptake": gettext_lazy("Council uptake"),
    "uptake_paragraph": gettext_lazy("Paragraph reflecting it"), "text": gettext_lazy("Text"),
    "addressee": gettext_lazy("Addressee"), "previous": gettext_lazy("Earlier recommendation"),
    "relation_to_previous": gettext_lazy("Relation to the earlier one"),
}


def register() -> None:
    """Register the models whose changes make the history (called from AppConfig.ready)."""
    from auditlog.registry import auditlog

    if not auditlog.contains(Recommendation):
        auditlog.register(Recommendation, include_fields=RECOMMENDATION_FIELDS)
        auditlog.register(Ownership, include_fields=["recommendation", "entity"])
        auditlog.register(ParagraphLink, include_fields=["recommendation", "paragraph", "confirmed"])


@dataclass
class HistoryEntry:
    at: dt.datetime
    who: str
    what: str
    # What an "Undo" button re-adds: ("owner", entity id) or ("link", paragraph id); None
    # when there is nothing to undo (or it is back already).
    undo: tuple[str, int] | None = None


def _who(user) -> str:
    if user is None:
        return _("The system")
    return user.get_full_name() or user.username


def _value(field: str, value, data: dict) -> str:
    if value in (None, "", "None"):
        return _("none")
    if field == "due_on":
        try:
            return long_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field == "uptake" and value in Uptake.values:
        return Uptake(value).label.lower()
    return str(value)


def recommendation_history(
    *, recommendation: Recommendation, updates: list[StatusUpdate], owner_ids: set[int], paragraph_ids: set[int]
) -> list[HistoryEntry]:
    """The history of ``recommendation``, newest first: its log entries, and the withdrawals
    and corrections among ``updates`` (those the reader may see, from the page's selector).
    ``owner_ids`` and ``paragraph_ids``: its current owners and linked paragraphs, so that
    an undo is offered only for what is not back already. One query."""
    from auditlog.models import LogEntry

    types = ContentType.objects.get_for_models(Recommendation, Ownership, ParagraphLink)
    rec_type, own_type, link_type = types[Recommendation], types[Ownership], types[ParagraphLink]
    entries = LogEntry.objects.filter(
        Q(content_type=rec_type, object_id=recommendation.pk)
        | Q(content_type__in=[own_type, link_type], additional_data__recommendation=recommendation.pk)
    ).select_related("actor").order_by("-timestamp", "-pk")
    history: list[HistoryEntry] = []
    undone: set[tuple[str, int]] = set()
    for entry in entries:
        data = entry.additional_data or {}
        who = _who(entry.actor)
        changes = entry.changes_dict if hasattr(entry, "changes_dict") else (entry.changes or {})
        if entry.content_type_id == own_type.pk:
            name = data.get("name") or _("an entity")
            if entry.action == LogEntry.Action.CREATE:
                history.append(HistoryEntry(entry.timestamp, who, _("Owner added: %(name)s") % {"name": name}))
            elif entry.action == LogEntry.Action.DELETE:
                key = ("owner", data.get("entity"))
                offer = key[1] is not None and key[1] not in owner_ids and key not in undone
                undone.add(key)
                history.append(HistoryEntry(
                    entry.timestamp, who, _("Owner removed: %(name)s") % {"name": name}, key if offer else None
                ))
            else:
                history.append(HistoryEntry(entry.timestamp, who, _("Ownership changed: %(name)s") % {"name": name}))
        elif entry.content_type_id == link_type.pk:
            name = data.get("name") or _("a paragraph")
            if entry.action == LogEntry.Action.CREATE:
                confirmed = str(changes.get("confirmed", [None, "True"])[1]) == "True"
                what = _("Linked to %(name)s") if confirmed else _("Linked to %(name)s (suggested)")
                history.append(HistoryEntry(entry.timestamp, who, what % {"name": name}))
            elif entry.action == LogEntry.Action.DELETE:
                key = ("link", data.get("paragraph"))
                offer = key[1] is not None and key[1] not in paragraph_ids and key not in undone
                undone.add(key)
                history.append(HistoryEntry(
                    entry.timestamp, who, _("Unlinked from %(name)s") % {"name": name}, key if offer else None
                ))
            elif "confirmed" in changes:
                history.append(HistoryEntry(entry.timestamp, who, _("Link to %(name)s confirmed") % {"name": name}))
        elif entry.action == LogEntry.Action.UPDATE:
            parts = []
            # In the fields' order (auditlog's diff walks a set of fields: its order moved when
            # Recommendation gained a field, has_owner, in issue 14).
            order = {name: i for i, name in enumerate(RECOMMENDATION_FIELDS)}
            for field, (old, new) in sorted(changes.items(), key=lambda item: order.get(item[0], len(order))):
                if field == "uptake_paragraph":
                    new = data.get("uptake_paragraph") or new
                    parts.append(_("%(field)s: %(value)s") % {"field": FIELD_LABELS[field], "value": _value(field, new, data)})
                elif field in ("text",):
                    parts.append(_("Text edited"))
                else:
                    parts.append(_("%(field)s: %(old)s → %(new)s") % {
                        "field": FIELD_LABELS.get(field, field), "old": _value(field, old, data), "new": _value(field, new, data),
                    })
            if parts:
                history.append(HistoryEntry(entry.timestamp, who, "; ".join(parts)))
    for update in updates:
        if update.kind == StatusUpdate.Kind.WITHDRAWAL and update.corrected is not None:
            target = update.corrected
            history.append(HistoryEntry(
                update.created_at, _who(update.author),
                _("Withdrew the update of %(date)s (%(visibility)s): %(note)s") % {
                    "date": long_date(target.created_at), "visibility": target.get_visibility_display().lower(),
                    "note": update.note,
                },
            ))
        elif update.kind == StatusUpdate.Kind.CORRECTION and update.corrected is not None:
            history.append(HistoryEntry(
                update.created_at, _who(update.author),
                _("Corrected the update of %(date)s") % {"date": long_date(update.corrected.created_at)},
            ))
    history.sort(key=lambda e: e.at, reverse=True)
    return history
