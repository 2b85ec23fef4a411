"""The list page's faster helpers (issue 14) give exactly what the Django helpers they stand
for give, in English and in French."""

from __future__ import annotations

import datetime as dt

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
