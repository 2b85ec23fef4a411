"""Forms of the reminder pages: a person's choice of reminders, the secretariat's preview date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from recommendations.models import ReminderPreference

Frequency = ReminderPreference.Frequency


class ReminderPreferenceForm(forms.Form):
    stale = forms.ChoiceField(
        label=_("Recommendations with no update for a long time"), choices=Frequency.choices, widget=forms.RadioSelect,
        help_text=_("A weekly email listing your entity's open recommendations with no update for 90 days or more."),
    )
    overdue = forms.ChoiceField(
        label=_("Recommendations past their due date"), choices=Frequency.choices, widget=forms.RadioSelect,
        help_text=_("A weekly email listing your entity's open recommendations past their due date. "
                  "The secretariat is copied on it: with it off, they are not either."),
    )


class PreviewDateForm(forms.Form):
    date = forms.DateField(
        label=_("Day of the pass"), input_formats=["%Y-%m-%d"],
        help_text=_("For example, 2023-05-31. Every email the daily pass would send that day is shown; nothing is sent."),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, for example 2023-05-31.")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
