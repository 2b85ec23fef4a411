"""Which reminders a person gets: the read and the write behind /account/reminders/, and the
one-click unsubscribe link of every reminder email (RFC 8058).
The pass honours them in services.plan_digests (weekly_digests_turned_off)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from recommendations.models import Reminder, ReminderPreference

Kind = Reminder.Kind
OFF = ReminderPreference.Frequency.OFF

# What one click on an email's unsubscribe link turns off: that weekly digest, for a stale or
# overdue one. Renewal digests, the report email and the secretariat's missed-reminders email
# cannot be turned off (the renewal is the point of the product), so their link turns off
# what may be: both weekly digests; the page says that the others keep coming. Never an error.
ONE_CLICK_TURNS_OFF: dict[str, tuple[str, ...]] = {
    Kind.STALE: ("stale",),
    Kind.OVERDUE: ("overdue",),
    Kind.RENEWAL: ("stale", "overdue"),
    Kind.REPORT: ("stale", "overdue"),
    Kind.MISSED: ("stale", "overdue"),
}
# Signed with SECRET_KEY and this salt: a token of this link is no good anywhere else.
UNSUBSCRIBE_SALT = "recommendations.reminders.unsubscribe"


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


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """The token of the one-click link of an email of ``kind`` to ``user_id``: the two,
    signed (django.core.signing, SECRET_KEY). No expiry: a link in an old email still works,
    and all it can do is turn a weekly digest off. No timestamp either: the same email gets
    the same link whenever it is built (its preview included)."""
    if kind not in ONE_CLICK_TURNS_OFF:
        raise ValueError(f"No unsubscribe link for emails of kind {kind!r}.")
    return _UNSUBSCRIBE_SIGNER.sign_object([user_id, kind])


_UNSUBSCRIBE_SIGNER = signing.Signer(salt=UNSUBSCRIBE_SALT)


def _unsign(token: str):
    """The signed value of an unsubscribe token, or BadSignature/ValueError. Tokens in emails
    sent before the timestamp was dropped (``signing.dumps``) still read."""
    try:
        return _UNSUBSCRIBE_SIGNER.unsign_object(token)
    except (signing.BadSignature, ValueError):
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str):
    """(user, kind) of a token made by ``unsubscribe_token``; None when it is not one (cut,
    altered, signed with another key) or its person no longer exists. One query."""
    try:
        user_id, kind = _unsign(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in ONE_CLICK_TURNS_OFF:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return (user, kind) if user is not None else None


def turn_off_by_link(*, user, kind: str) -> ReminderPreference:
    """What the one-click link of an email of ``kind`` does: turn off ONE_CLICK_TURNS_OFF[kind]
    for ``user``, leaving the other choice as it was. Doing it again changes nothing.

    Side effects: the ReminderPreference row is created or updated; the next daily pass
    sends no digest of the kinds turned off to ``user``."""
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
        fields = [name for name in ONE_CLICK_TURNS_OFF[kind] if getattr(preference, name) != OFF]
        if fields:
            for name in fields:
                setattr(preference, name, OFF)
            preference.updated_at = timezone.now()
            preference.save(update_fields=[*fields, "updated_at"])
    return preference
