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


def test_labels_and_ellipsis_are_kept_per_language():
    """Translated once a language and process (wps._labels, wps._ellipsis), read back in the
    language active at each call."""
    text = "x" * 130
    for language in ("en", "fr", "en", "fr"):
        with translation.override(language):
            expected = [Recommendation(addressee=value).get_addressee_display() for value in Addressee.values]
            assert [addressee_label(value) for value in Addressee.values] == expected
            assert excerpt(text, 120) == truncatechars(text, 120)
    with translation.override("fr"):
        assert addressee_label("security_council") == "Conseil de sécurité"
        assert excerpt(text, 120) == "x" * 119 + "…"
    assert addressee_label("security_council") == "Security Council"


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


# The list's row loop as the template wrote it before list_rows (issue 14): the rows must not change.
ROW_LOOP = """{% load i18n wps %}{% translate "Reference" as l_reference %}{% translate "Recommendation" as l_recommendation %}{% translate "Addressee" as l_addressee %}{% translate "Owners" as l_owners %}{% translate "Due" as l_due %}{% translate "Status" as l_status %}{% translate "None yet" as l_none_yet %}{% with back_query=back|urlencode:'' %}
      {% for rec in recs %}
        <tr>
          <th scope="row" data-label="{{ l_reference }}" class="nowrap"><a href="{{ rec.get_absolute_url }}?back={{ back_query }}">{{ rec.reference }}</a><br><span class="hint-inline">{{ rec.situation.name }}</span></th>
          <td data-label="{{ l_recommendation }}" class="excerpt">{{ rec.text|excerpt:120 }}{% if rec.theme_list %}<br><span class="hint-inline">{% for t in rec.theme_list %}{{ t.name }}{% if not forloop.last %}; {% endif %}{% endfor %}</span>{% endif %}</td>
          <td data-label="{{ l_addressee }}">{{ rec.addressee|addressee_label }}</td>
          <td data-label="{{ l_owners }}">{% for e in rec.owner_list %}{{ e.name }}{% if not forloop.last %}, {% endif %}{% empty %}<span class="hint-inline">{{ l_none_yet }}</span>{% endfor %}</td>
          <td data-label="{{ l_due }}" class="nowrap">{{ rec.due_on|long_date|default:"–" }}</td>
          <td data-label="{{ l_status }}">{% status_tag rec.shown_status %}</td>
        </tr>
      {% endfor %}{% endwith %}"""


def _rows_to_print():
    from recommendations.models import Entity, Situation, Theme

    def rec(pk, *, reference, situation, text, addressee, due_on, themes, owners, status):
        row = Recommendation(
            pk=pk, reference=reference, situation=Situation(pk=pk, name=situation), text=text, addressee=addressee,
            due_on=due_on,
        )
        # The old loop read these lists of instances; list_rows reads the names.
        row.theme_list = [Theme(name=name) for name in themes]
        row.owner_list = [Entity(name=name) for name in owners]
        row.theme_names, row.owner_names = list(themes), list(owners)
        row.shown_status = status
        return row

    return [
        rec(1, reference="MLI-2023-01", situation="Mali", text=TEXTS[5], addressee=Addressee.MISSION,
            due_on=dt.date(2023, 6, 30), themes=["Participation", "Protection"], owners=["MINUSMA", "UN Women"],
            status="in_progress"),
        rec(22, reference='<b>"R&D"</b>', situation="Côte d'Ivoire <i>", text="<script>alert('x')</script> & " * 10,
            addressee="not-a-choice", due_on=None, themes=[], owners=[], status="not_started"),
        rec(333, reference="SSD-1", situation="South Sudan", text=TEXTS[6], addressee=Addressee.SECURITY_COUNCIL,
            due_on=dt.date(2024, 1, 1), themes=["Data & analysis"], owners=["A <& B>"], status="done"),
        rec(4444, reference="X", situation="X", text=TEXTS[7], addressee=Addressee.UN_PARTNERS, due_on=dt.date(2025, 12, 9),
            themes=["'quoted'"], owners=["Solo"], status="made-up status <x>"),
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("back", ["/recommendations/", "/recommendations/?q=femmes & paix&status=done", ""])
def test_list_rows_are_the_template_loops_rows(language, back):
    from django.template import engines

    from recommendations.templatetags.wps import list_rows

    recs = _rows_to_print()
    template = engines["django"].from_string(ROW_LOOP)
    with translation.override(language):
        expected = template.render({"recs": recs, "back": back})
        written = list_rows(recs, back)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert written.count("<tr>") == 4
    # The template's first line is its tags only; the next begins with the loop's indentation.
    assert "      " + written == expected.split("\n", 1)[1]


@pytest.mark.django_db
def test_each_row_shows_its_own_themes_and_owners_by_name(world, as_user):
    """The rows' themes and owners (curation.selectors.with_row_details, two queries for the
    page) are each recommendation's own, sorted by name; "None yet" where no entity owns it."""
    from django.utils.html import escape

    from recommendations.curation.services import assign_owner
    from recommendations.models import Theme
    from recommendations.people.services import create_entity

    unowned = Recommendation.objects.filter(ownership__isnull=True).first()
    owned = world.rec
    assign_owner(recommendation=owned, entity=create_entity(name="Aardvark <& co>"), assigned_by=world.secretariat)
    owned.themes.add(Theme.objects.create(slug="zz", name="Zebra & peace"), Theme.objects.create(slug="aa", name="Aa first"))
    html = as_user("secretariat").get("/recommendations/", {"sort": "reference"}).content.decode()
    rows = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<a href="/recommendations/(\d+)/\?back=[^"]*">.*?</tr>', html, re.S)
    }
    assert len(rows) == min(50, Recommendation.objects.count())
    for pk, row in rows.items():
        rec = Recommendation.objects.get(pk=pk)
        owners = ", ".join(e.name for e in rec.owners.order_by("name"))
        themes = "; ".join(t.name for t in rec.themes.order_by("name"))
        owners_cell = escape(owners) if owners else '<span class="hint-inline">None yet</span>'
        assert f'<td data-label="Owners">{owners_cell}</td>' in row, (pk, row)
        assert (f'<br><span class="hint-inline">{escape(themes)}</span></td>' in row) == bool(themes), (pk, row)
    assert "Aardvark &lt;&amp; co&gt;, MINUSMA" in rows[owned.pk]
    assert "Aa first; " in rows[owned.pk] and "Zebra &amp; peace</span>" in rows[owned.pk]
    if unowned is not None and unowned.pk in rows:
        assert "None yet" in rows[unowned.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("persona", "name"), [
    ("secretariat", "situation"), ("secretariat", "theme"), ("secretariat", "owner"),
    ("expert", "theme"), ("expert", "owner"),
])
def test_a_select_read_as_rows_offers_what_its_field_would(world, rf, persona, name, language):
    """The secretariat's situations, and everyone's themes and entities, read as (id, name)
    rows by SQL compiled once a process (filters._offer_rows): the same options, in the same
    order, with the same labels (a theme's in the reader's language), as the model choice
    field's own; read by one query when the select is drawn, its own first option asked for
    too; the chosen one selected."""
    from django import forms
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recommendations.models import Theme
    from recommendations.web.forms import RecommendationListFilter

    Theme.objects.create(slug="odd", name="<Odd> & “quoted”")
    user = getattr(world, persona)

    def form_for(query):
        request = rf.get("/recommendations/", query)
        request.user = user
        return RecommendationListFilter(request.GET or None, request=request).form

    with translation.override(language):
        field = form_for({}).fields[name]
        expected = [("", field.empty_label)] + [(o.pk, field.label_from_instance(o)) for o in field.queryset]
        assert len(expected) > 2
        form = form_for({})
        with CaptureQueriesContext(connection) as queries:
            html = str(form[name])
        assert len(queries) == 1
        assert list(form.fields[name].widget.choices) == expected
        chosen = expected[2][0]
        chosen_html = str(form_for({name: chosen})[name])
        assert tight(html) == tight(forms.Select(choices=expected).render(name, None, attrs={"id": f"id_{name}"}))
    assert f'<option value="{chosen}" selected>' in chosen_html and chosen_html.count(" selected") == 1


@pytest.mark.django_db
def test_each_filter_set_has_filters_and_fields_of_its_own(world, rf):
    """The filters and the form's fields are copied one level per filter set, not deeply
    (filters._FiltersPerRequest, _FieldsOfOneForm): two filter sets of two readers, one after
    the other, keep their own choices, methods and errors, and the class's filters stay as
    they were."""
    from recommendations.curation.filters import RecommendationFilterSet
    from recommendations.models import Situation
    from recommendations.web.forms import RecommendationListFilter

    def filter_set(user, query):
        request = rf.get("/recommendations/", query)
        request.user = user
        return RecommendationListFilter(request.GET or None, request=request)

    base = {name: dict(f.__dict__) for name, f in RecommendationListFilter.base_filters.items()}
    mine = filter_set(world.ssd_expert, {"stale": "on", "situation": str(world.mali.pk)})
    theirs = filter_set(world.secretariat, {"stale": "on", "situation": str(world.mali.pk)})
    assert mine.filters["stale"] is not theirs.filters["stale"]
    assert mine.filters["stale"].filter.f is mine.filters["stale"] and mine.filters["stale"].parent is mine
    # The expert does not follow Mali: an error on their form only; the secretariat's list is Mali's stale ones.
    assert "situation" in mine.form.errors and not theirs.form.errors
    assert list(mine.form.fields["situation"].widget.choices)[1:] == [(world.south_sudan.pk, "South Sudan")]
    assert [label for _, label in theirs.form.fields["situation"].widget.choices][1:] == list(
        Situation.objects.order_by("name").values_list("name", flat=True)
    )
    assert theirs.form.fields["situation"] is theirs.filters["situation"].field
    assert mine.form.fields["situation"] is not theirs.form.fields["situation"]
    assert set(theirs.qs.values_list("situation_id", flat=True)) <= {world.mali.pk}
    assert {name: dict(f.__dict__) for name, f in RecommendationListFilter.base_filters.items()} == base
    # Even where something has made a field on the class's filters (an API schema does), a
    # filter set's own start without one.
    RecommendationFilterSet.base_filters["theme"].field  # noqa: B018
    fresh = filter_set(world.expert, {})
    assert all("_field" not in f.__dict__ for f in fresh.filters.values())
    assert fresh.form.fields["theme"] is not RecommendationFilterSet.base_filters["theme"].field
