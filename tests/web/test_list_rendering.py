"""The list page's faster helpers (issue 14) give exactly what the Django helpers they stand
for give, in English and in French."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.defaultfilters import truncatechars
from django.utils import dateformat, translation

from recommendations.dates import format_long_date
from recommendations.models import Addressee, Recommendation
from recommendations.templatetags.wps import addressee_label, excerpt

TEXTS = [
    "",
    "Short.",
    "x" * 119,
    "x" * 120,
    "x" * 121,
    "Urge the Malian transitional authorities to ensure the full, equal and meaningful participation "
    "of women in the transition, including in the constitutional reform and the elections.",
    "Demander aux autorités de transition maliennes de garantir la participation pleine, égale et "
    "effective des femmes à la transition, y compris à la réforme constitutionnelle.",
    "Combining: e\u0301" * 20,
    "word " * 30,
    "ends at the limit" + " " * 103 + "and goes on",
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("length", [1, 2, 10, 120])
def test_excerpt_is_truncatechars(language, length):
    with translation.override(language):
        for text in TEXTS:
            assert excerpt(text, length) == truncatechars(text, length), (text, length)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_addressee_label_is_the_models_display(language):
    with translation.override(language):
        for value in [*Addressee.values, "not-a-choice"]:
            assert addressee_label(value) == Recommendation(addressee=value).get_addressee_display()


def test_long_dates_are_kept_per_language():
    day = dt.date(2023, 6, 30)
    with translation.override("en"):
        assert format_long_date(day) == "30 June 2023"
    with translation.override("fr"):
        assert format_long_date(day) == "30 juin 2023" == dateformat.format(day, "j F Y")
    with translation.override("en"):
        assert format_long_date(day) == "30 June 2023"


def tight(html: str) -> str:
    """Django's select without the whitespace its templates put between tags."""
    return re.sub(r">\s+<", "><", html).strip()


CHOICES = [
    ("", "Any"),
    ("a&b", "A <b> & \"c\""),
    ("Group <1>", [("1", "One"), ("2", "Two")]),
    (3, "Three"),
    (None, "None"),
    ("2", "Two again"),
]


@pytest.mark.parametrize("value", [None, "", "a&b", "2", "3", "nothing"])
def test_quick_select_is_djangos_select(value):
    from django import forms

    from recommendations.web.forms import QuickSelect

    # One attribute with a value: QuickSelect writes them sorted (flatatt), Django's template
    # in the dict's order.
    attrs = {"id": "id_x", "required": True}
    django_html = tight(forms.Select(choices=CHOICES).render("x", value, attrs))
    assert QuickSelect(choices=CHOICES).render("x", value, attrs) == django_html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_quick_select_of_model_choices_is_djangos_in_one_query(language, django_assert_num_queries):
    """Django's and django-filter's model choices, read by one plain query (not a server-side
    cursor's DECLARE, FETCH and CLOSE), give the same options."""
    import django_filters
    from django import forms

    from recommendations.models import Theme
    from recommendations.web.forms import QuickSelect

    themes = [Theme.objects.create(slug=f"t{i}", name=name) for i, name in enumerate(["Zeta & co", "Alpha", "<Mid>"])]
    fields = [
        forms.ModelChoiceField(queryset=Theme.objects.all(), empty_label="Any theme"),
        forms.ModelChoiceField(queryset=Theme.objects.all(), empty_label=None),
        django_filters.fields.ModelChoiceField(queryset=Theme.objects.all(), empty_label="Any", null_label="None"),
    ]
    with translation.override(language):
        for field in fields:
            for value in (None, themes[1].pk):
                django_html = tight(forms.Select(choices=field.choices).render("theme", value))
                with django_assert_num_queries(1):
                    assert QuickSelect(choices=field.choices).render("theme", value) == django_html


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("value", [None, "", "a&b", "2", "3", "nothing"])
def test_template_free_select_is_djangos_byte_for_byte(value, language):
    from django import forms
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from recommendations.web.forms import TemplateFreeSelect

    choices = [*CHOICES, ("lazy", gettext_lazy("None")), (mark_safe("<safe>"), mark_safe("<b>safe</b>"))]
    attrs = {"id": "id_x", "aria-describedby": "x_help", "required": True, "disabled": False, "data-v": mark_safe("<v>"),
             "data-n": 1000, "title": "a \"quoted\" <title>"}
    with translation.override(language):
        django_html = forms.Select(choices=choices).render("x&y", value, attrs)
        assert TemplateFreeSelect(choices=choices).render("x&y", value, attrs) == django_html


@pytest.mark.django_db
def test_template_free_select_of_model_choices_is_djangos_in_one_query(django_assert_num_queries):
    from django import forms

    from recommendations.models import Theme
    from recommendations.web.forms import TemplateFreeSelect

    themes = [Theme.objects.create(slug=f"t{i}", name=name) for i, name in enumerate(["Zeta & co", "Alpha", "<Mid>"])]
    field = forms.ModelChoiceField(queryset=Theme.objects.all(), empty_label="Choose")
    for value in (None, themes[2].pk):
        django_html = forms.Select(choices=field.choices).render("theme", value)
        with django_assert_num_queries(1):
            assert TemplateFreeSelect(choices=field.choices).render("theme", value) == django_html
