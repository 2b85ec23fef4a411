"""What the API says about each object. Statuses, uptakes, addressees and visibilities are
given by their stable codes (the TextChoices values, e.g. ``in_progress``), never labels.
A recommendation's ``status`` is the one its reader is shown (access.Reader.with_shown_status):
a reader who may not read an internal update never sees the status it set."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.models import (
    Addressee,
    Briefing,
    Entity,
    ImplementationStatus,
    Mandate,
    MandateParagraph,
    ParagraphLink,
    Recommendation,
    Situation,
    StatusUpdate,
    Uptake,
)


class SituationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Situation
        fields = ["id", "name", "code", "is_active"]


class ParagraphSerializer(serializers.ModelSerializer):
    label = serializers.CharField(help_text="The official label: PP 9, OP 26 (a)(iii), OP 41 dash 12.")
    text_fr = serializers.CharField(help_text="The French text; empty until the French resolution is imported.")
    official = serializers.BooleanField(help_text="True once the text is the resolution's own, not a note's quotation.")

    class Meta:
        model = MandateParagraph
        fields = ["id", "label", "kind", "number", "sub_item", "text", "text_fr", "official", "position"]


class MandateSerializer(serializers.ModelSerializer):
    renews = serializers.SlugRelatedField(slug_field="symbol", read_only=True, allow_null=True)
    terminated_by = serializers.SlugRelatedField(slug_field="symbol", read_only=True, allow_null=True)
    paragraphs = ParagraphSerializer(many=True, read_only=True)

    class Meta:
        model = Mandate
        fields = [
            "id", "symbol", "number", "year", "mission", "situation", "title", "adopted_on", "expires_on",
            "renews", "terminated_by", "paragraphs",
        ]


class BriefingSerializer(serializers.ModelSerializer):
    earlier_meetings = serializers.ListField(child=serializers.CharField(), help_text='["2016-02", ...]')

    class Meta:
        model = Briefing
        fields = ["id", "situation", "mandate", "title", "issued_on", "earlier_meetings", "imported_at"]


class OwnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["id", "name"]


class LinkSerializer(serializers.ModelSerializer):
    paragraph = serializers.IntegerField(source="paragraph_id")
    mandate = serializers.CharField(source="paragraph.mandate.symbol")
    label = serializers.CharField(source="paragraph.label")
    state = serializers.SerializerMethodField(help_text="confirmed: a person confirmed it; suggested: not yet.")
    cited = serializers.BooleanField(help_text="The recommendation's own text cites this paragraph.")

    class Meta:
        model = ParagraphLink
        fields = ["paragraph", "mandate", "label", "state", "confirmed", "cited"]

    @extend_schema_field({"type": "string", "enum": ["confirmed", "suggested"]})
    def get_state(self, link: ParagraphLink) -> str:
        return "confirmed" if link.confirmed else "suggested"


@extend_schema_field(OpenApiTypes.STR)
class SlugField(serializers.SlugRelatedField):
    """A related object's slug, read from a prefetched list (the schema cannot follow that
    attribute to the model's field, so it is told the slug's type)."""


class RecommendationSerializer(serializers.ModelSerializer):
    addressee = serializers.ChoiceField(choices=Addressee.choices)
    # The lists api.selectors.with_details prefetches.
    themes = SlugField(source="theme_list", slug_field="slug", many=True, read_only=True)
    owners = OwnerSerializer(source="owner_list", many=True, read_only=True)
    links = LinkSerializer(source="link_list", many=True, read_only=True)
    status = serializers.ChoiceField(
        source="shown_status", choices=ImplementationStatus.choices,
        help_text="The status of the latest update you may read (not_started when there is none).",
    )
    last_update_at = serializers.DateTimeField(
        source="shown_updated", allow_null=True, help_text="When the update that set this status was recorded."
    )
    uptake = serializers.ChoiceField(choices=Uptake.choices)
    uptake_paragraph = serializers.SerializerMethodField(help_text="The paragraph of the new resolution that reflects it.")
    relation_to_previous = serializers.ChoiceField(
        choices=[("", "None"), *Recommendation.Relation.choices],
        help_text="How it relates to ``previous``: repeats or supersedes; empty when it has none.",
    )

    class Meta:
        model = Recommendation
        fields = [
            "id", "reference", "situation", "briefing", "position", "text", "addressee", "themes", "owners",
            "links", "due_on", "status", "last_update_at", "uptake", "uptake_paragraph", "previous",
            "relation_to_previous", "created_at",
        ]

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "label": {"type": "string"},
    }, "required": ["id", "label"]})
    def get_uptake_paragraph(self, rec: Recommendation):
        paragraph = rec.uptake_paragraph
        return None if paragraph is None else {"id": paragraph.pk, "label": paragraph.label}

    def to_representation(self, rec: Recommendation) -> dict:
        """The fields above, written out in their order (recommendation_json). DRF's walk
        through them (a get_attribute per field, a nested serializer per owner and link) was
        ~5 ms of CPU of an API page of 50 at 100k (issue 14). tests/api/test_serializers.py
        checks it gives what DRF's generic walk gives."""
        paragraph = rec.uptake_paragraph
        row = {
            "id": rec.pk, "reference": rec.reference, "situation_id": rec.situation_id,
            "briefing_id": rec.briefing_id, "position": rec.position, "text": rec.text, "addressee": rec.addressee,
            "due_on": rec.due_on, "shown_status": rec.shown_status, "shown_updated": rec.shown_updated,
            "uptake": rec.uptake, "uptake_paragraph_id": rec.uptake_paragraph_id,
            "uptake_paragraph__label": None if paragraph is None else paragraph.label,
            "previous_id": rec.previous_id, "relation_to_previous": rec.relation_to_previous,
            "created_at": rec.created_at,
        }
        return recommendation_json(
            row,
            themes=[theme.slug for theme in rec.theme_list],
            owners=[(entity.pk, entity.name) for entity in rec.owner_list],
            links=[
                (link.paragraph_id, link.paragraph.mandate.symbol, link.paragraph.label, link.confirmed, link.cited)
                for link in rec.link_list
            ],
            zone=timezone.get_current_timezone(),
        )


def recommendation_json(row: dict, *, themes: list[str], owners: list, links: list, zone: dt.tzinfo) -> dict:
    """One recommendation as RecommendationSerializer gives it, from ``row`` (the values of
    api.selectors.ROW_COLUMNS) and its lists (api.selectors.RowDetails' forms). Formatted as
    DRF's fields do: choices as their codes (the stored values), a date in ISO 8601, a time in
    ISO 8601 in the active time zone ``zone`` (UTC's "+00:00" written "Z"); None stays None."""
    paragraph = row["uptake_paragraph_id"]
    due_on = row["due_on"]
    return {
        "id": row["id"],
        "reference": row["reference"],
        "situation": row["situation_id"],
        "briefing": row["briefing_id"],
        "position": row["position"],
        "text": row["text"],
        "addressee": row["addressee"],
        "themes": themes,
        "owners": [{"id": pk, "name": name} for pk, name in owners],
        "links": [
            {
                "paragraph": paragraph_id,
                "mandate": symbol,
                "label": label,
                "state": "confirmed" if confirmed else "suggested",
                "confirmed": confirmed,
                "cited": cited,
            }
            for paragraph_id, symbol, label, confirmed, cited in links
        ],
        "due_on": None if due_on is None else due_on.isoformat(),
        "status": row["shown_status"],
        "last_update_at": _moment(row["shown_updated"], zone),
        "uptake": row["uptake"],
        "uptake_paragraph": None if paragraph is None else {"id": paragraph, "label": row["uptake_paragraph__label"]},
        "previous": row["previous_id"],
        "relation_to_previous": row["relation_to_previous"],
        "created_at": _moment(row["created_at"], zone),
    }


def recommendation_rows(rows: list[dict], details) -> list[dict]:
    """A page of the API's list: each of ``rows`` (api.selectors.row_values) with its lists
    (``details``, curation.selectors.row_details of their ids), as RecommendationSerializer gives
    the same recommendations; tests/api/test_serializers.py checks it for every persona."""
    zone = timezone.get_current_timezone()
    themes, owners, links = details.themes, details.owners, details.links
    return [
        recommendation_json(
            row, themes=[slug for slug, _name in themes[row["id"]]], owners=owners[row["id"]], links=links[row["id"]],
            zone=zone,
        )
        for row in rows
    ]


def _moment(value: dt.datetime | None, zone: dt.tzinfo) -> str | None:
    """DRF's DateTimeField.to_representation for an aware time (what the database gives)."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class StatusUpdateSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ImplementationStatus.choices)
    visibility = serializers.ChoiceField(choices=StatusUpdate.Visibility.choices)
    evidence = serializers.ListField(child=serializers.CharField(), help_text="UN document symbols or links.")
    author = serializers.SerializerMethodField()
    on_behalf_of = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = StatusUpdate
        fields = ["id", "recommendation", "status", "note", "evidence", "visibility", "author", "on_behalf_of", "created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, update: StatusUpdate) -> str:
        return update.author.get_full_name() or update.author.username


class RenewalSerializer(serializers.Serializer):
    situation = SituationSerializer()
    mandate = serializers.IntegerField(source="mandate.pk")
    symbol = serializers.CharField(source="mandate.symbol")
    mission = serializers.CharField(source="mandate.mission")
    expires_on = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Days from today to expires_on; negative once it has passed.")
    report_on = serializers.DateField(help_text="When the Council report is printed (expires_on less WPS_REPORT_DAYS_BEFORE_RENEWAL).")
    terminated_by = serializers.CharField(
        source="mandate.terminated_by.symbol", allow_null=True, default=None,
        help_text="The resolution that ended the mandate instead of renewing it, if any.",
    )
    clock_runs = serializers.BooleanField(
        help_text="Reminders and the report run for it: the situation is active and no resolution ended it."
    )


class SituationExportSerializer(serializers.Serializer):
    """The whole situation as one file: the same serializers as the API's endpoints."""

    format = serializers.SerializerMethodField()
    situation = SituationSerializer()
    mandates = MandateSerializer(many=True)
    briefings = BriefingSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)
    updates = StatusUpdateSerializer(many=True)

    def get_format(self, export) -> str:
        return "wpsfollowup-situation-export/1"
