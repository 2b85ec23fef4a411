"""The read-only API. Every view reads through access.Reader (via api/selectors.py): what a
user's token reads is what that user reads on the pages. Missing and forbidden objects both
answer 404; no credentials, 401."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations import access
from recommendations.api import selectors
from recommendations.api import serializers as api
from recommendations.curation.filters import ID_SCHEMA, MAX_ID, RecommendationFilterSet
from recommendations.curation.selectors import row_details
from recommendations.models import StatusUpdate


class ErrorSerializer(drf_serializers.Serializer):
    detail = drf_serializers.CharField()


ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No valid token or session."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such object, or not one you may see.")}
BAD_FILTER = {
    400: OpenApiResponse(
        {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        description="A filter is not valid (one message per filter).",
    )
}
# A page given by a cursor that is not one of ours answers 404 (DRF's "Invalid cursor").
LIST_ERRORS = {**ERRORS, **NOT_FOUND}


def _list(serializer, *, filters: bool = False, **kwargs):
    return extend_schema(responses={200: serializer(many=True), **LIST_ERRORS, **(BAD_FILTER if filters else {})}, **kwargs)


def _detail(serializer, **kwargs):
    return extend_schema(responses={200: serializer, **ERRORS, **NOT_FOUND}, **kwargs)


class ReaderMixin:
    @property
    def reader(self) -> access.Reader:
        return access.Reader.of(self.request.user)


@extend_schema_view(
    list=_list(api.SituationSerializer, description="The situations you may see."),
    retrieve=_detail(api.SituationSerializer),
)
class SituationViewSet(ReaderMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.SituationSerializer
    filter_backends: list = []
    cursor_ordering = "name"

    def get_queryset(self):
        return selectors.situations(self.reader)


@extend_schema_view(
    list=_list(api.MandateSerializer, description="The mandates of the situations you may see, with their paragraphs."),
    retrieve=_detail(api.MandateSerializer),
)
class MandateViewSet(ReaderMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.MandateSerializer
    filter_backends: list = []
    cursor_ordering = "symbol"

    def get_queryset(self):
        return selectors.mandates(self.reader)


@extend_schema_view(
    list=_list(api.BriefingSerializer, description="The IEG notes on the situations you may see."),
    retrieve=_detail(api.BriefingSerializer),
)
class BriefingViewSet(ReaderMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.BriefingSerializer
    filter_backends: list = []
    cursor_ordering = "pk"

    def get_queryset(self):
        return selectors.briefings(self.reader)


class ApiRecommendationFilterSet(RecommendationFilterSet):
    """The list page's filters (curation/filters.py), less its sort: API pages follow the
    cursor's order (reference)."""

    def __init__(self, data=None, queryset=None, *, named_only: bool = False, **kwargs):
        if named_only and data is not None:
            # Only the filters the query names: the others, left empty, narrow nothing and
            # find no error, and their form fields and choices were ~1 ms of CPU of a page.
            self.base_filters = {name: f for name, f in self.base_filters.items() if name in data}
        super().__init__(data, queryset, **kwargs)


# A subclass gets a copy of its parent's filters: the list page keeps its sort.
del ApiRecommendationFilterSet.base_filters["sort"]


@extend_schema_view(
    list=_list(
        api.RecommendationSerializer, filters=True,
        description="The recommendations you may see, filtered as on the list page, in order of reference.",
    ),
    retrieve=_detail(api.RecommendationSerializer),
)
class RecommendationViewSet(ReaderMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.RecommendationSerializer
    filterset_class = ApiRecommendationFilterSet
    cursor_ordering = "reference"

    def get_queryset(self):
        # A list reads the reader's situations first, as ids: with the subquery, PostgreSQL
        # thought an expert saw 262 of 300 situations and walked the reference index through
        # all 100,000 rows for a rare word's matches (265 ms; with the ids, issue 14). (The
        # list itself reads its rows through its filter set, list(); this serves the
        # browsable API's filter form.)
        return selectors.recommendations(self.reader, by_ids=self.action == "list")

    def list(self, request, *args, **kwargs):
        """RecommendationSerializer's JSON for a page, written from values
        (serializers.recommendation_rows over selectors.row_values and row_details), not from
        the ~500 model instances of 50 recommendations and their lists. Filtered as
        DjangoFilterBackend does (the same rows, the same 400s), over the reader's own rows,
        with only the filters the query names: the reader's situations, read once for the
        rows, also check the situation filter's choice. The instances, their serializer and
        the whole filter form were ~9 of the ~14 ms of CPU of a secretariat's page at 100k
        (issue 14)."""
        filterset = self.filterset_class(request.query_params, request=request, reader=self.reader, named_only=True)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        page = self.paginate_queryset(selectors.row_values(filterset.qs))
        details = row_details([row["id"] for row in page])
        return self.get_paginated_response(api.recommendation_rows(page, details))

    def get_object(self):
        # A recommendation is found by id alone; the list's filters do not apply to it.
        return access._get_or_404(self.get_queryset(), self.kwargs["pk"])


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number in the ids' range (curation.filters.MAX_ID), else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UpdateFilterSet(django_filters.FilterSet):
    recommendation = IdFilter(field_name="recommendation_id", help_text="Only the updates of this recommendation.")
    situation = IdFilter(field_name="recommendation__situation_id", help_text="Only the updates on this situation.")
    since = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Only updates recorded at or after this time."
    )

    class Meta:
        model = StatusUpdate
        fields: list[str] = []


@extend_schema_view(
    list=_list(
        api.StatusUpdateSerializer, filters=True,
        description="The status updates you may read, newest first: never an internal update of a recommendation "
        "your entity does not own, unless you are secretariat staff.",
    ),
    retrieve=_detail(api.StatusUpdateSerializer),
)
class StatusUpdateViewSet(ReaderMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.StatusUpdateSerializer
    filterset_class = UpdateFilterSet
    cursor_ordering = "-created_at"

    def get_queryset(self):
        return selectors.updates(self.reader)

    def get_object(self):
        return access._get_or_404(self.get_queryset(), self.kwargs["pk"])


class RenewalCalendar(ReaderMixin, APIView):
    @extend_schema(
        responses={200: api.RenewalSerializer(many=True), **ERRORS},
        description="Each situation you may see with its current mandate: expiry, days left, the day the "
        "Council report is printed, and whether a resolution ended it. Soonest first; not paged.",
    )
    def get(self, request):
        return Response(api.RenewalSerializer(selectors.renewals(self.reader), many=True).data)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def not_found(request):
    raise NotFound("No such page in the API.")
