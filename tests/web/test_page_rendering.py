"""The recommendation and mandate pages' parts written in Python (issue 14: their Python time
at 100,000 recommendations) give what Django's templates and widgets give, byte for byte, in
English and in French, everything from the database escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe

from recommendations.curation.services import record_status_update, withdraw_status_update
from recommendations.models import Recommendation
from recommendations.web.forms import (
    DueDateForm,
    RadioSelectWidget,
    StatusUpdateForm,
    TemplateFreeDateInput,
    TemplateFreeTextarea,
)

LANGUAGES = ["en", "fr"]
ATTRS = {"id": "id_x", "aria-describedby": "x_help", "required": True, "disabled": False, "data-v": mark_safe("<v>"),
         "data-n": 1000, "title": 'a "quoted" <title>'}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", [None, "", "plain", "<b>bold</b> & 'quoted'\nsecond line", mark_safe("<i>safe</i>")])
def test_text_area_is_djangos_byte_for_byte(value, language):
    with translation.override(language):
        for attrs in (None, ATTRS):
            assert TemplateFreeTextarea(attrs={"rows": 5}).render("x&y", value, attrs) == forms.Textarea(
                attrs={"rows": 5}
            ).render("x&y", value, attrs)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", [None, "", dt.date(2023, 5, 31), "2023-13-45", "<x>"])
def test_date_input_is_djangos_byte_for_byte(value, language):
    with translation.override(language):
        for attrs in (None, ATTRS):
            mine = TemplateFreeDateInput(attrs={"type": "date"}, format="%Y-%m-%d").render("due", value, attrs)
            assert mine == forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d").render("due", value, attrs)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("data", [None, {"v": "b"}, {"v": "<nothing>"}])
def test_radio_options_are_djangos_byte_for_byte(data, language):
    choices = [("a", "First & only"), ("b", mark_safe("<b>Second</b>")), ("<c>", 'The "third"')]

    def field(widget):
        form = type("F", (forms.Form,), {"v": forms.ChoiceField(choices=choices, widget=widget)})(data)
        return form["v"]

    with translation.override(language):
        mine, django = field(RadioSelectWidget), field(forms.RadioSelect)
        assert mine.widget_type == "radioselect"  # what _field.html tests
        assert [radio.tag() for radio in mine] == [radio.tag() for radio in django]
        assert [radio.tag(wrap_label=True) for radio in mine] == [radio.tag(wrap_label=True) for radio in django]


def include_field(field) -> str:
    return render_to_string("recommendations/_field.html", {"field": field})


def tag_field(field) -> str:
    return Template("{% load pages %}{% form_field field %}").render(Context({"field": field}))


class EveryKind(forms.Form):
    text = forms.CharField(label="Text <&>", help_text="Help 'me'", widget=TemplateFreeTextarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(label="Choice", choices=[("a", "A"), ("b", "B")], widget=RadioSelectWidget,
                               help_text="Pick one")
    plain_choice = forms.ChoiceField(label="Plain", choices=[("a", "A")], widget=RadioSelectWidget)
    due = forms.DateField(required=False, widget=TemplateFreeDateInput(attrs={"type": "date"}))
    tick = forms.BooleanField(label="Tick", required=False, help_text="A checkbox: the template's own")
    line = forms.CharField(label="Line", required=False)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("data", [None, {"text": "", "choice": "zzz", "due": "2023-99-99", "line": "<x>"}])
def test_form_field_writes_what_the_field_template_writes(data, language):
    with translation.override(language):
        form = EveryKind(data, prefix="p")
        for name in form.fields:
            assert tag_field(form[name]) == include_field(form[name]), name


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_status_update_form_writes_what_the_field_template_writes(world, language):
    with translation.override(language):
        for user in (world.secretariat, world.mission):
            for data in (None, {"u-status": "", "u-note": "", "u-visibility": "bogus", "u-evidence": "x y"}):
                form = StatusUpdateForm(data, user=user, recommendation=world.rec, prefix="u")
                for name in form.fields:
                    assert tag_field(form[name]) == include_field(form[name]), name
        due = DueDateForm({"due-due_on": "31/05/2023"}, prefix="due")
        assert tag_field(due["due_on"]) == include_field(due["due_on"])


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_filters_write_what_the_field_template_writes(world, language):
    """The list page's twelve filters (selects, a search box, checkboxes), unbound, bound, and
    bound with errors, for the secretariat and a focal point."""
    from recommendations.web.forms import RecommendationListFilter

    request = RequestFactory().get("/recommendations/")
    with translation.override(language):
        for user in (world.secretariat, world.mission):
            for data in (None, {"q": "<women>", "stale": "on", "sort": "due", "situation": str(world.mali.pk)},
                         {"status": "zzz", "situation": "999999", "owner": "x", "page": "2"}):
                request.user = user
                form = RecommendationListFilter(data, request=request).form
                for name in form.fields:
                    assert tag_field(form[name]) == include_field(form[name]), (name, data)


# --- the pages, as a person reads them ------------------------------------------------------


def french_page(client, url: str) -> str:
    """The page in French, by the header's switch (Django's language cookie, over the language
    stored for the person); the test's language as it was afterwards."""
    client.cookies["django_language"] = "fr"
    with translation.override(translation.get_language()):
        return client.get(url).content.decode()


@pytest.mark.django_db
def test_timeline_of_a_withdrawn_and_a_corrected_update_escapes_everything(world, as_user):
    world.mission.first_name, world.mission.last_name = "Aïcha", "O'Neil <x>"
    world.mission.save()
    rec = world.rec
    wrong = record_status_update(
        recommendation=rec, author=world.mission, status="implemented", note="A <b>bold</b> & claim",
        evidence=["S/2022/595", "https://example.org/a?b=1&c=2"], visibility="internal",
    )
    withdraw_status_update(update=wrong, author=world.secretariat, reason="Shared <by> mistake")
    first = record_status_update(recommendation=rec, author=world.mission, status="partial", note="x", visibility="internal")
    record_status_update(
        recommendation=rec, author=world.mission, status="in_progress", note="Fixed", visibility="internal", corrects=first,
    )
    body = as_user("secretariat").get(f"/recommendations/{rec.pk}/").content.decode()
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; claim" in body
    assert "<strong>Withdrawn" in body and "Shared &lt;by&gt; mistake" in body
    assert "By Aïcha O&#x27;Neil &lt;x&gt;" in body
    assert 'href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>' in body
    assert 'href="https://undocs.org/en/S/2022/595"' in body
    assert f'Corrects <a href="#update-{first.pk}">the update of' in body
    assert f'href="/recommendations/{rec.pk}/updates/{first.pk}/correct/"' not in body  # corrected: no longer standing
    french = french_page(as_user("secretariat"), f"/recommendations/{rec.pk}/")
    assert "Par Aïcha O&#x27;Neil &lt;x&gt;" in french
    assert "<strong>Retirée le " in french and "N'est plus prise en compte nulle part." in french


@pytest.mark.django_db
def test_mandate_page_escapes_the_recommendations_it_summarises(world, as_user):
    rec = Recommendation.objects.filter(paragraphlink__paragraph__mandate=world.mandate).order_by("pk").first()
    Recommendation.objects.filter(pk=rec.pk).update(text="<script>alert('x')</script> " + "long " * 40)
    body = as_user("secretariat").get(f"/mandates/{world.mandate.pk}/").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; long long" in body
    assert f'<a href="/recommendations/{rec.pk}/">{rec.reference}</a>' in body
    french = french_page(as_user("secretariat"), f"/mandates/{world.mandate.pk}/")
    assert "recommandation liée" in french or "recommandations liées" in french
    assert "<script>alert" not in french


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", [None, "", "plain", "<b>bold</b> & 'quoted\"", mark_safe("<i>safe</i>"), 12])
def test_text_input_is_djangos_byte_for_byte(value, language):
    from recommendations.web.forms import TextWidget

    with translation.override(language):
        for attrs in (None, ATTRS, {"maxlength": "200", "required": True, "disabled": False}):
            assert TextWidget(attrs={"size": 20}).render("q&r", value, attrs) == forms.TextInput(
                attrs={"size": 20}
            ).render("q&r", value, attrs)
    field = forms.CharField(max_length=200)
    assert TextWidget(attrs=field.widget.attrs).render("q", "x") == field.widget.render("q", "x")
    assert type("F", (forms.Form,), {"q": forms.CharField(widget=TextWidget)})()["q"].widget_type == "text"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", [None, "", True, False, "on", "x<y"])
def test_checkbox_is_djangos_byte_for_byte(value, language):
    from recommendations.web.forms import CheckboxWidget

    with translation.override(language):
        for attrs in ({}, ATTRS):
            assert CheckboxWidget().render("tick", value, attrs=attrs) == forms.CheckboxInput().render("tick", value, attrs=attrs)
    assert forms.BooleanField(widget=CheckboxWidget).widget.__class__ is CheckboxWidget


def test_a_checkbox_field_is_written_as_the_template_writes_it():
    form = EveryKind()
    request = RequestFactory().get("/")
    html = Template("{% load pages %}{% form_field field %}").render(Context({"field": form["tick"], "request": request}))
    assert html == include_field(form["tick"])


# base.html's header as its template wrote it before pages.page_header (issue 14).
HEADER = """{% load i18n wps %}<header class="header">
    <div class="header__inner">
      <a class="header__brand" href="{% url 'dashboard' %}">{% translate "WPS follow-up" %}</a>
      {% if user.is_authenticated %}
      <nav class="header__nav" aria-label="{% translate 'Main' %}">
        <ul>
          <li><a href="{% url 'dashboard' %}"{% if request.resolver_match.url_name == 'dashboard' %} aria-current="page"{% endif %}>{% translate "Dashboard" %}</a></li>
          <li><a href="{% url 'recommendation_list' %}"{% if request.resolver_match.url_name == 'recommendation_list' %} aria-current="page"{% endif %}>{% translate "Recommendations" %}</a></li>
          <li><a href="{% url 'council_calendar' %}"{% if request.resolver_match.url_name == 'council_calendar' %} aria-current="page"{% endif %}>{% translate "Council calendar" %}</a></li>
          {% if user|is_secretariat %}<li><a href="{% url 'import_note' %}"{% if request.resolver_match.url_name == 'import_note' %} aria-current="page"{% endif %}>{% translate "Import a note" %}</a></li>{% endif %}
          {% if user|is_secretariat %}<li><a href="{% url 'people' %}"{% if request.resolver_match.url_name == 'people' %} aria-current="page"{% endif %}>{% translate "People" %}</a></li>{% endif %}
        </ul>
        <form class="header__signout" method="post" action="{% url 'logout' %}">
          {% csrf_token %}
          <span class="header__user">{{ user.get_full_name|default:user.username }}</span>
          <a href="{% url 'api_tokens' %}"{% if request.resolver_match.url_name == 'api_tokens' %} aria-current="page"{% endif %}>{% translate "API and calendar" %}</a>
          <a href="{% url 'reminder_preferences' %}"{% if request.resolver_match.url_name == 'reminder_preferences' %} aria-current="page"{% endif %}>{% translate "Reminders" %}</a>
          <a href="{% url 'account_language' %}"{% if request.resolver_match.url_name == 'account_language' %} aria-current="page"{% endif %}>{% translate "Language" %}</a>
          <button type="submit" class="button button--link">{% translate "Sign out" %}</button>
        </form>
      </nav>
      {% endif %}
      {% get_current_language as CURRENT_LANGUAGE %}
      <form class="header__language" method="post" action="{% url 'set_language' %}">{% csrf_token %}{% if CURRENT_LANGUAGE == "fr" %}<button type="submit" name="language" value="en" class="button button--link" lang="en">English</button>{% else %}<button type="submit" name="language" value="fr" class="button button--link" lang="fr">Français</button>{% endif %}</form>
    </div>
  </header>"""


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", ["secretariat", "expert", "anonymous"])
def test_the_page_header_is_the_templates(world, persona, language):
    """Every page's header (pages.page_header), for the secretariat (their two more links), an
    expert and someone not signed in, on each linked page and on none, with and without a
    CSRF token, a full name that needs escaping: what the template wrote, byte for byte."""
    from django.contrib.auth.models import AnonymousUser
    from django.urls import resolve

    user = AnonymousUser() if persona == "anonymous" else getattr(world, persona)
    if persona == "expert":
        user.first_name, user.last_name = "<Ann> & 'Bo'", "\"Ng\""
    template, tag = Template(HEADER), Template("{% load pages %}{% page_header %}")
    checked = 0
    for path in ("/", "/recommendations/", "/calendar/", "/people/", "/import/", "/account/tokens/", "/account/language/", None):
        request = RequestFactory().get(path or "/nowhere/")
        request.user = user
        if path is not None:
            request.resolver_match = resolve(path)
        for token in ("tok<en>", None):
            values = {"request": request, "user": user, **({"csrf_token": token} if token else {})}
            with translation.override(language):
                expected = template.render(Context(values))
                written = tag.render(Context(values))
            assert written == expected, (path, token)
            checked += 1
    assert checked == 16
    if persona == "secretariat":
        assert "Import" in written or "Importer" in written
    if persona == "expert":
        assert "&lt;Ann&gt; &amp; &#x27;Bo&#x27; &quot;Ng&quot;" in written
