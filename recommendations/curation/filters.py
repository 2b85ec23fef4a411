"""The filters of the recommendation list: one definition (a django-filter FilterSet) that the
list page, its CSV export and the API all use, so a filter means the same thing everywhere.

Every filter runs over the recommendations the reader may see, annotated by
``access.Reader.with_shown_status``: "status", "stale" and "overdue" test the status the
reader is shown, never one set by an update they may not read. The choices of the
situation and paragraph filters are only what the reader may see, so a situation one may
not see is a form error (a 400 on the page, on the export and in the API), never a leak.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import Exists, Expression, Lookup, OuterRef, Q, QuerySet, TextField
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from recommendations import access, compiled_sql
from recommendations.curation.selectors import (
    DEFAULT_SORT,
    MERGED_SORTS,
    SORTS,
    entity_choices,
    filter_choices,
    overdue_rule,
    stale_rule,
    theme_choices,
)
from recommendations.models import (
    Addressee,
    Entity,
    ImplementationStatus,
    MandateParagraph,
    Ownership,
    ParagraphLink,
    Recommendation,
    Situation,
    Theme,
    Uptake,
)

SORT_CHOICES = [
    ("situation", "Situation and note order"),
    ("reference", "Reference (A to Z)"),
    ("-reference", "Reference (Z to A)"),
    ("due", "Due date (soonest first)"),
    ("-due", "Due date (latest first)"),
    ("status", "Status"),
    ("updated", "Last update (oldest first)"),
    ("-updated", "Last update (newest first)"),
]


class FilterForm(forms.Form):
    """Base of the filter set's form."""

    def filters(self) -> dict:
        """The valid filters that are set; a bad one is dropped (and reported by the form's
        errors)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}


# Ids are BigAutoField: anything outside this range names nothing, and SQLite would not even
# take it as a parameter (OverflowError, a 500). Refused as an invalid choice instead.
MAX_ID = 2**63 - 1
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def as_id(value) -> int | None:
    """``value`` as an id, or None when it cannot be one (not a whole number, out of range)."""
    text = str(value).strip()
    if not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A choice of an object by its id; an id out of range is an invalid choice, like any
    id that names nothing."""

    # The objects offered, by id, when they were read already (the reader's situations): a
    # choice is then checked against them, with no query.
    known: dict | None = None

    def to_python(self, value):
        if value not in self.empty_values and as_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if self.known is not None and value not in self.empty_values:
            if as_id(value) not in self.known:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                )
            return self.known[as_id(value)]
        return super().to_python(value)


class ParagraphChoiceField(IdChoiceField):
    def label_from_instance(self, obj: MandateParagraph) -> str:
        excerpt = obj.text if len(obj.text) <= 70 else obj.text[:67].rstrip() + "..."
        return f"{obj.mandate.symbol} {obj.label}: {excerpt}"


@extend_schema_field(OpenApiTypes.BOOL)
class CheckboxFilter(django_filters.Filter):
    """A checkbox: set ("on", "true", "1") narrows the list, unset or "false" does not."""

    field_class = forms.BooleanField


@extend_schema_field(ID_SCHEMA)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among objects the reader may see, given by id."""

    field_class = IdChoiceField


class ParagraphFilter(IdChoiceFilter):
    field_class = ParagraphChoiceField


# A run of letters and digits: what the search reads of a word, and where PostgreSQL's stored
# document (migration 0011) was split too (its ASCII punctuation read as spaces).
WORD_PIECE = re.compile(r"[^\W_]+")
EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def search_terms(value: str) -> list[list[str]]:
    """The words of a search (split at spaces), each as its runs of letters and digits:
    "MLI-2023-03" is ["MLI", "2023", "03"]. A word of punctuation only ("&", "-") is
    dropped: it finds nothing and narrows nothing."""
    return [pieces for word in value.split() if (pieces := WORD_PIECE.findall(word))]


def tsquery(terms: list[list[str]]) -> str:
    """The text-search query of ``terms`` for ``to_tsquery``: every word (&), each of its
    pieces at the start of a word and in the order typed (<->), so "protect" finds
    "protection" and "MLI-2023" finds "MLI-2023-03-R01". Built from pieces of letters and
    digits only, quoted: nothing a user types can be read as an operator."""
    return " & ".join("(" + " <-> ".join(f"'{piece}':*" for piece in pieces) + ")" for pieces in terms)


class SearchDocument(Expression):
    """The recommendation's stored tsvector (PostgreSQL only: migration 0011), as a column of
    the query's own table; not a model field, so that no list selects it."""

    output_field = TextField()

    def __init__(self, alias: str | None = None):
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return SearchDocument(query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return SearchDocument(change_map.get(self.alias, self.alias))

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name('search_document')}", []


class Matches(Lookup):
    """``SearchDocument() @@ to_tsquery('simple', query)``: what the GIN index rec_search serves."""

    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @@ to_tsquery('simple'::regconfig, %s)", (*lhs_params, self.rhs)


def _words(recs: QuerySet, name: str, value: str) -> QuerySet:
    """Every word in the text or the reference. PostgreSQL: full text, each word at the start
    of a word (the stored document and its GIN index). SQLite: each word, its punctuation at
    either end left out, anywhere in the text or the reference."""
    terms = search_terms(value)
    if not terms:
        return recs
    if connections[recs.db].vendor == "postgresql":
        return recs.filter(Matches(SearchDocument(), tsquery(terms)))
    for word in value.split():
        if word := EDGE_PUNCTUATION.sub("", word):
            recs = recs.filter(Q(text__icontains=word) | Q(reference__icontains=word))
    return recs


def _owner(recs: QuerySet, name: str, value: Entity) -> QuerySet:
    return recs.filter(Exists(Ownership.objects.filter(recommendation=OuterRef("pk"), entity=value)))


def _paragraph(recs: QuerySet, name: str, value: MandateParagraph) -> QuerySet:
    return recs.filter(Exists(ParagraphLink.objects.filter(recommendation=OuterRef("pk"), paragraph=value)))


def _unowned(recs: QuerySet, name: str, value: bool) -> QuerySet:
    # The stored has_owner, the one reading of "no owner" (the dashboard counts and lists it
    # too); curation.services keeps it with the Ownership rows, under the recommendation's lock.
    return recs.filter(has_owner=False) if value else recs


def _sort(recs: QuerySet, name: str, value: str) -> QuerySet:
    return recs  # applied last, by RecommendationFilterSet.qs, whatever else is set


# The choice filters, and the key of filter_choices that offers each one's choices.
CHOICES = {"situation": "situations", "theme": "themes", "owner": "entities", "paragraph": "paragraphs"}


class _FiltersPerRequest(dict):
    """A filter set's ``base_filters``, which django-filter deep-copies for every filter set
    it makes (every page): copied one level instead, each filter shallowly with its own
    ``extra`` and no field made yet, all that a filter set changes of its filters (its
    ``model``, ``parent``, ``queryset``, ``label``, ``extra["queryset"]`` and the cached
    ``_field``), and its ``method`` bound to the copy (a FilterMethod finds the method on the
    filter's parent). Deep, with their querysets, the copies were ~0.3 ms of every list and
    API page (issue 14)."""

    def __deepcopy__(self, memo):
        filters = {}
        for name, filter_ in self.items():
            filter_ = copy.copy(filter_)
            filter_.extra = dict(filter_.extra)
            filter_.__dict__.pop("_field", None)
            filter_.method = filter_.method
            filters[name] = filter_
        return filters


class _FieldsOfOneForm(dict):
    """The fields of a form class django-filter makes for one filter set (get_form_class), so
    made for that one form: the form takes them as they are, where Django's forms deep-copy
    their class's fields (~0.4 ms of every list page: issue 14)."""

    def __deepcopy__(self, memo):
        return dict(self)


def _offer_rows(field, rows_of: Callable[[], QuerySet], *, label: Callable[[str], str] = str) -> None:
    """``field``'s select offers the (id, name) rows of ``rows_of()``, each labelled
    ``label(name)`` (as the model's __str__ writes it), read when the select is drawn, their
    SQL compiled once a process (compiled_sql). What the field accepts stays its queryset.
    tests/web/test_list_rendering.py checks the selects against Django's."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    using = field.queryset.db
    # Read once: Select.use_required_attribute asks for the first option before it is drawn.
    field.widget.choices = functools.cache(
        lambda: empty + [(pk, label(name)) for pk, name in compiled_sql.rows(rows_of, [], using=using)]
    )


def _every_situation() -> QuerySet:
    return Situation.objects.order_by("name").values_list("pk", "name")


def _themes() -> QuerySet:
    return theme_choices().values_list("pk", "name")


def _entities() -> QuerySet:
    return entity_choices().values_list("pk", "name")


class RecommendationFilterSet(django_filters.FilterSet):
    """``RecommendationFilterSet(data, request=request).qs``: the recommendations
    ``request.user`` may see, annotated with the status they are shown, narrowed by ``data``
    (a QueryDict: the list page's GET, the API's query) and sorted by its ``sort``."""

    q = django_filters.CharFilter(
        label=_("Search"), max_length=200, method=_words,
        help_text=_("Every word must appear in the text or the reference; “protect” also finds “protection”."),
    )
    situation = IdChoiceFilter(queryset=Situation.objects.all(), empty_label=_("All situations"), label=_("Situation"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ImplementationStatus.choices, empty_label=_("Any status"), method="filter_status"
    )
    uptake = django_filters.ChoiceFilter(label=_("Council uptake"), choices=Uptake.choices, empty_label=_("Any uptake"))
    addressee = django_filters.ChoiceFilter(label=_("Addressee"), choices=Addressee.choices, empty_label=_("Any addressee"))
    theme = IdChoiceFilter(field_name="themes", queryset=Theme.objects.all(), empty_label=_("Any theme"), label=_("Theme"))
    owner = IdChoiceFilter(
        label=_("Owning entity"), queryset=Entity.objects.all(), empty_label=_("Any entity"), method=_owner
    )
    paragraph = ParagraphFilter(
        label=_("Mandate paragraph"), queryset=MandateParagraph.objects.all(), empty_label=_("Any paragraph"),
        help_text=_("Lists the paragraphs of the situation chosen above."), method=_paragraph,
    )
    stale = CheckboxFilter(
        label=_("Stale only"), method="filter_stale", help_text=f"Open, with no update for {settings.WPS_STALE_AFTER_DAYS} days"
    )
    overdue = CheckboxFilter(label=_("Overdue only"), method="filter_overdue", help_text=_("Due date passed and still open"))
    unowned = CheckboxFilter(label=_("No owner only"), method=_unowned, help_text=_("No entity asked for updates"))
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method=_sort)

    class Meta:
        model = Recommendation
        fields: list[str] = []
        form = FilterForm

    @classmethod
    def get_filters(cls):
        return _FiltersPerRequest(super().get_filters())

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _FieldsOfOneForm(form_class.base_fields)
        return form_class

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None, reader=None):
        self.user = user if user is not None else getattr(request, "user", None) or AnonymousUser()
        # ``reader``: the caller's access.Reader of that user, whose situations, once read, the
        # rows and the form share with the caller.
        self.reader = reader if reader is not None else access.Reader.of(self.user)
        # Without a queryset: what the reader may see, built by qs (the situations' ids are read
        # then, once, and not at all where only the form is wanted).
        self._readers_own = self._visible_pending = queryset is None
        super().__init__(data, queryset, request=request, prefix=prefix)

    # "status", "stale" and "overdue" test what the reader is shown, through access.Reader.shown_q
    # (the rule's two branches, which PostgreSQL can estimate), not the shown_status annotation.

    def filter_status(self, recs: QuerySet, name: str, value: str) -> QuerySet:
        return recs.filter(self.reader.shown_q(lambda *, status, updated: Q(**{status: value}))) if value else recs

    def filter_stale(self, recs: QuerySet, name: str, value: bool) -> QuerySet:
        return recs.filter(self.reader.shown_q(stale_rule())) if value else recs

    def filter_overdue(self, recs: QuerySet, name: str, value: bool) -> QuerySet:
        return recs.filter(self.reader.shown_q(overdue_rule())) if value else recs

    def _visible(self) -> QuerySet[Recommendation]:
        if self._visible_pending:
            self.queryset = self.reader.with_shown_status(self.reader.recommendations(by_ids=True))
            self._visible_pending = False
        return self.queryset

    @property
    def form(self):
        """The filter form; its situations offered are those the reader read once for the
        list (Reader.situation_list), not a query of their own."""
        if not hasattr(self, "_form"):
            # The choices offered, set when the form is made (apply() makes none). Where the rows
            # are the reader's own, its situations are read once anyway, for the rows and this
            # form: the choices are narrowed to them (none read for the secretariat). Only for
            # the choice filters this filter set has (the API's may have none of them).
            choosing = {name: key for name, key in CHOICES.items() if name in self.filters}
            if choosing:
                choices = filter_choices(
                    user=self.user, situation_ids=self.reader.situation_ids() if self._readers_own else None
                )
                for name, key in choosing.items():
                    self.filters[name].queryset = choices[key]
            form = super().form
            situations = self.reader.situation_list() if self._readers_own and "situation" in form.fields else None
            if situations is not None:
                field = form.fields["situation"]
                field.queryset = Situation.objects.filter(pk__in=[s.pk for s in situations])
                field.known = {s.pk: s for s in situations}
                empty = [("", field.empty_label)] if field.empty_label is not None else []
                field.widget.choices = empty + [(s.pk, field.label_from_instance(s)) for s in situations]
            elif "situation" in form.fields and self.reader.reads_everything:
                # Every situation (the secretariat's): offered as (id, name) rows, not as 300
                # instances and their labels (~0.5 ms of the list page's ~14 ms of CPU at
                # 100,000 recommendations: issue 14). A situation's label is its name
                # (Situation.__str__).
                _offer_rows(form.fields["situation"], _every_situation)
            # Themes and entities likewise, as anyone may choose any: their queries built and
            # compiled for every page were ~0.4 ms each of an expert's list (issue 14).
            if "theme" in form.fields:
                _offer_rows(form.fields["theme"], _themes, label=Theme.label_of)
            if "owner" in form.fields:
                _offer_rows(form.fields["owner"], _entities)
        return self._form

    @property
    def sort_key(self) -> str:
        """The sort asked for (a key of selectors.SORTS), the default when none or a bad one."""
        sort = None
        if self.is_bound:
            self.form.is_valid()
            sort = self.form.cleaned_data.get("sort")
        return sort if sort in SORTS else DEFAULT_SORT

    @property
    def qs(self) -> QuerySet[Recommendation]:
        if not hasattr(self, "_sorted"):
            self._visible()
            self._sorted = super().qs.order_by(*SORTS[self.sort_key])
        return self._sorted

    def branches(self) -> list[QuerySet[Recommendation]] | None:
        """:attr:`qs` split in the branches of its reader (access.Reader.branches: the rows
        whose internal updates it reads, and the others), each with the same filters and sort
        over the plain columns the branch shows; None unless the reader is split and the sort
        is one the list reads as a merge of its branches (selectors.MERGED_SORTS)."""
        branches = self.reader.branches() if self._readers_own and self.sort_key in MERGED_SORTS else None
        if branches is None:
            return None
        filters = self.form.filters()
        parts = []
        for reader in branches:
            # The filters' methods read self.reader ("status", "stale", "overdue"): the
            # branch's, while they run.
            whole, self.reader = self.reader, reader
            try:
                recs = reader.with_shown_status(reader.recommendations(by_ids=True))
                for name, value in filters.items():
                    if name in self.filters and name != "sort":
                        recs = self.filters[name].filter(recs, value)
            finally:
                self.reader = whole
            parts.append(recs.order_by(*SORTS[self.sort_key]))
        return parts

    @classmethod
    def apply(cls, *, user, filters: dict) -> QuerySet[Recommendation]:
        """The same filters given as cleaned values (``form.filters()``), for callers that
        hold them already."""
        filterset = cls(user=user)
        recs = filterset._visible()
        for name, value in filters.items():
            if name in filterset.filters and name != "sort":
                recs = filterset.filters[name].filter(recs, value)
        return recs.order_by(*SORTS.get(filters.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT]))
