"""A user's own ways in from outside: API tokens (/account/tokens/), their calendar feed's
secret address, and the calendar feed itself (/calendar/<key>.ics); and the export of a whole
situation as JSON. Reads through access.Reader; writes through api/services.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.renderers import JSONRenderer

from recommendations import access
from recommendations.api import calendar, selectors, services
from recommendations.api.serializers import SituationExportSerializer
from recommendations.dates import local_today
from recommendations.models import ApiToken, CalendarFeed, Language


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, so you know which to revoke. For example: Mission dashboard.")
    )


def _tokens_context(request, **extra) -> dict:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return {
        "tokens": list(ApiToken.objects.filter(user=request.user)),
        "form": extra.pop("form", None) or ApiTokenForm(),
        "feed_url": request.build_absolute_uri(reverse("calendar_feed", args=[feed.key])) if feed else None,
        "api_root": reverse("api-root"),
        "api_docs": reverse("api-docs"),
        **extra,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens: make one (its key shown once, on this response only), see when
    each was last used, revoke one; and their calendar feed's address."""
    if request.method == "GET":
        return render(request, "recommendations/account_tokens.html", _tokens_context(request))
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(request, "recommendations/account_tokens.html", _tokens_context(request, form=form), status=400)
    token, key = services.create_api_token(user=request.user, name=form.cleaned_data["name"])
    return render(request, "recommendations/account_tokens.html", _tokens_context(request, new_key=key, new_token=token))


@require_POST
def revoke_token(request, pk):
    if not services.revoke_api_token(user=request.user, token_id=pk):
        raise Http404("No such token.")
    messages.success(request, _("Token revoked: it no longer works."))
    return redirect("api_tokens")


@require_POST
def reset_calendar(request):
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    services.reset_calendar_feed(user=request.user)
    messages.success(
        request, _("Your calendar has a new address; the old one no longer works.") if had_one
        else _("Your calendar address is ready."),
    )
    return redirect(reverse("api_tokens") + "#calendar")


@login_not_required
@never_cache
@require_GET
def calendar_feed(request, key):
    """The iCalendar feed of the user whose secret ``key`` this is; 404 for any other key,
    a replaced one included, and for an inactive user."""
    feed = CalendarFeed.objects.select_related("user", "user__profile").filter(key=key).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    # No session here (a calendar client asks): the events are in the owner's language.
    try:
        language = feed.user.profile.language
    except ObjectDoesNotExist:
        language = Language.ENGLISH
    with translation.override(language):
        body = calendar.build_calendar(feed.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wps-follow-up.ics"'
    return response


@require_GET
def situation_export(request, pk):
    """The whole situation as one JSON file: its mandates with their paragraphs, its notes,
    its recommendations with the status the user is shown, and the updates the user may
    read; the API's serializers."""
    situation = access.get_situation_for_user(request.user, pk)
    export = selectors.situation_export(user=request.user, situation=situation)
    data = SituationExportSerializer(export).data
    response = HttpResponse(JSONRenderer().render(data), content_type="application/json")
    name = f"{situation.code.lower()}-{local_today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


__all__ = ["api_tokens", "calendar_feed", "reset_calendar", "revoke_token", "situation_export"]
