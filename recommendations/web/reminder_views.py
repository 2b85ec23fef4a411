"""Reminder pages: a person's choice of reminders (/account/reminders/) and the secretariat's
preview of a day's pass (/reminders/preview/)."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from recommendations import access
from recommendations.dates import local_today
from recommendations.reminders import preferences
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
