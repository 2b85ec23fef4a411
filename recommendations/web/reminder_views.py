"""Reminder pages: a person's choice of reminders (/account/reminders/), the one-click
unsubscribe link of every reminder email (/account/reminders/unsubscribe/<token>/) and the
secretariat's preview of a day's pass (/reminders/preview/)."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from recommendations import access
from recommendations.dates import local_today
from recommendations.models import ReminderPreference
from recommendations.people.language import language_of
from recommendations.reminders import preferences
from recommendations.reminders.emails import person_name
from recommendations.reminders.preview import preview_pass
from recommendations.web.reminder_forms import PreviewDateForm, ReminderPreferenceForm


@require_http_methods(["GET", "POST"])
def reminder_preferences(request):
    """Choose which weekly digests come; renewal digests always do."""
    current = preferences.preference_of(request.user)
    if request.method == "POST":
        form = ReminderPreferenceForm(request.POST)
        if form.is_valid():
            preferences.set_reminder_preference(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your choice of reminders is saved."))
            return redirect("reminder_preferences")
    else:
        form = ReminderPreferenceForm(initial={"stale": current.stale, "overdue": current.overdue})
    return render(request, "recommendations/reminder_preferences.html", {
        "form": form, "is_focal_point": request.user.groups.filter(entity__isnull=False).exists(),
    })


# RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the link, with no cookie
# and no CSRF token; the signed token in the URL is what authorises the change, and all it
# can do is turn weekly digests off. CSRF-exempt here only. A GET never changes anything:
# mail scanners follow links.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request, token: str):
    """The one-click unsubscribe link of a reminder email, no sign-in needed. GET: a page that
    says what the button turns off; POST: turned off (again, harmlessly). A bad token: 400,
    nothing changed."""
    found = preferences.read_unsubscribe_token(token)
    if found is None:
        return render(request, "recommendations/reminder_unsubscribe.html", {"invalid": True}, status=400)
    user, kind = found
    done = request.method == "POST"
    preference = (
        preferences.turn_off_by_link(user=user, kind=kind) if done else preferences.preference_of(user)
    )
    turns_off = preferences.ONE_CLICK_TURNS_OFF[kind]
    language = translation.get_language()
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        language = language_of(user)  # the email's language, unless this browser chose one
    with translation.override(language):
        return render(request, "recommendations/reminder_unsubscribe.html", {
            "kind": kind, "name": person_name(user), "done": done,
            "weekly_kind": len(turns_off) == 1,
            "already_off": all(getattr(preference, n) == ReminderPreference.Frequency.OFF for n in turns_off),
        })


# The emails are shown in sandboxed srcdoc frames, which take this page's
# Content-Security-Policy; their styles are style attributes (inlined, as mail clients need),
# which the policy refuses everywhere else. Allowed here, on this page only: no script
# (the frames' sandbox has no allow-scripts) and no <style> element.
@csp_update({"style-src-attr": [UNSAFE_INLINE]})
@require_GET
def reminder_preview(request):
    """Every email the daily pass would send on a date, as it will be received. Secretariat only."""
    access.require_secretariat(request.user)
    data = request.GET if "date" in request.GET else {"date": local_today().isoformat()}
    form = PreviewDateForm(data)
    preview = preview_pass(today=form.cleaned_data["date"]) if form.is_valid() else None
    return render(request, "recommendations/reminder_preview.html", {"form": form, "preview": preview})
