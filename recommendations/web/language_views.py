"""/account/language/: the person chooses the language of their pages and of their emails."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from recommendations.models import Language
from recommendations.people.language import language_of, set_user_language


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        help_text=_("The pages you see and the emails you get will be in this language."),
    )


@require_http_methods(["GET", "POST"])
def account_language(request):
    if request.method == "GET":
        form = LanguageForm(initial={"language": language_of(request.user)})
        return render(request, "recommendations/account_language.html", {"form": form})
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "recommendations/account_language.html", {"form": form}, status=400)
    language = form.cleaned_data["language"]
    set_user_language(user=request.user, language=language, request=request)
    translation.activate(language)
    messages.success(request, gettext("Your language is saved."))
    response = redirect("account_language")
    # The header's switch was for one session: the choice made here replaces it.
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
