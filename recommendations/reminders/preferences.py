"""Which reminders a person gets: the read and the write behind /account/reminders/.
The pass honours them in services.plan_digests (weekly_digests_turned_off)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from recommendations.models import ReminderPreference


def preference_of(user) -> ReminderPreference:
    """The person's choice, or the default (every weekly digest on) unsaved. One query."""
    found = ReminderPreference.objects.filter(user=user).first()
    return found or ReminderPreference(user=user)


def set_reminder_preference(*, user, stale: str, overdue: str) -> ReminderPreference:
    """Record which weekly digests ``user`` gets ("weekly" or "off" each).

    Side effects: the ReminderPreference row is created or updated; the next daily pass
    sends accordingly (renewal digests are not affected)."""
    allowed = ReminderPreference.Frequency.values
    if stale not in allowed or overdue not in allowed:
        raise ValueError(gettext("Choose one of %(values)s.") % {"values": ", ".join(allowed)})
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.update_or_create(
            user=user, defaults={"stale": stale, "overdue": overdue, "updated_at": timezone.now()}
        )
    return preference
