from __future__ import annotations

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from recommendations.curation.services import refresh_has_owner
from recommendations.models import (
    Briefing,
    Entity,
    Mandate,
    MandateParagraph,
    Ownership,
    ParagraphLink,
    ProgressReport,
    Recommendation,
    Reminder,
    ReminderPass,
    Situation,
    StatusUpdate,
    Theme,
)


@admin.register(Situation)
class SituationAdmin(GuardedModelAdmin):
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


class MandateParagraphInline(admin.TabularInline):
    model = MandateParagraph
    extra = 0
    fields = ["position", "kind", "number", "sub_item", "label", "text", "text_fr"]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["symbol", "mission", "situation", "adopted_on", "expires_on"]
    list_filter = ["situation", "mission"]
    list_select_related = ["situation"]
    search_fields = ["symbol", "mission"]
    inlines = [MandateParagraphInline]


@admin.register(MandateParagraph)
class MandateParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "position"]
    list_filter = ["kind", "mandate"]
    list_select_related = ["mandate"]
    search_fields = ["text"]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["title", "situation", "issued_on", "imported_at", "imported_by"]
    list_filter = ["situation"]
    list_select_related = ["situation", "imported_by"]
    # The original text and its hash are the evidence of what was imported: never edited.
    readonly_fields = ["sha256", "original_text", "imported_at", "imported_by"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "group"]
    list_select_related = ["group"]
    search_fields = ["name"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class OwnershipInline(admin.TabularInline):
    # Focal points' rights derive from these rows (access.owned_by_q): adding, changing or
    # deleting one here changes them, with nothing to keep in step.
    model = Ownership
    extra = 0
    readonly_fields = ["assigned_by", "assigned_at"]


class ParagraphLinkInline(admin.TabularInline):
    model = ParagraphLink
    extra = 0
    raw_id_fields = ["paragraph"]
    readonly_fields = ["created_by", "created_at"]


class StatusUpdateInline(admin.TabularInline):
    model = StatusUpdate
    extra = 0
    fields = ["created_at", "status", "visibility", "author", "on_behalf_of", "note", "evidence"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["reference", "situation", "addressee", "status", "uptake", "due_on", "last_update_at"]
    list_filter = ["situation", "status", "uptake", "addressee", "themes"]
    list_select_related = ["situation"]
    search_fields = ["reference", "text"]
    raw_id_fields = ["briefing", "previous", "uptake_paragraph"]
    # status and last_update_at (and the shared ones) follow the status updates; record one to change them.
    # has_owner follows the owners (curation.services).
    readonly_fields = [
        "status", "last_update_at", "shared_status", "shared_update_at", "has_owner", "created_at", "change_history",
    ]
    filter_horizontal = ["themes"]
    inlines = [OwnershipInline, ParagraphLinkInline, StatusUpdateInline]

    def get_readonly_fields(self, request, obj=None):
        """A saved recommendation keeps its situation (its note's): its owners' rows copy it
        (Ownership.situation), and what focal points see follows from those."""
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else [*fields, "situation"]

    def save_related(self, request, form, formsets, change):
        """After the inlines: the stored has_owner from the owners the inline left (the
        service's rule and lock, as assign_owner/remove_owner keep it)."""
        super().save_related(request, form, formsets, change)
        refresh_has_owner(recommendation=form.instance)

    @admin.display(description="History")
    def change_history(self, obj):
        """The same history as the recommendation's page (curation/history.py)."""
        from django.utils.html import format_html_join

        from recommendations.curation.history import recommendation_history
        from recommendations.dates import format_long_date

        if obj is None or obj.pk is None:
            return "-"
        entries = recommendation_history(
            recommendation=obj, updates=[],
            owner_ids=set(obj.ownership_set.values_list("entity_id", flat=True)),
            paragraph_ids=set(obj.paragraphlink_set.values_list("paragraph_id", flat=True)),
        )
        if not entries:
            return "No change recorded yet."
        return format_html_join(
            "", "<p>{} · {}: {}</p>", ((format_long_date(e.at), e.who, e.what) for e in entries)
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app writes and nobody edits: listed and opened, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    """Read-only: status updates are append-only. A correction is a new update, recorded on
    the recommendation's page."""

    list_display = ["recommendation", "status", "visibility", "author", "created_at"]
    list_filter = ["status", "visibility"]
    list_select_related = ["recommendation", "author"]
    search_fields = ["recommendation__reference", "note"]
    date_hierarchy = "created_at"



@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "email", "period", "state", "tries", "created_at", "sent_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["recipient"]
    search_fields = ["email", "period", "last_error"]
    readonly_fields = [
        "recipient", "kind", "period", "situation", "email", "subject", "payload", "tries",
        "last_error", "created_at", "claimed_at", "sent_at", "message_id",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The row is the proof of a send: deleting it would let the email go out again.
        return False


@admin.register(ReminderPass)
class ReminderPassAdmin(ReadOnlyAdmin):
    """The record of the daily passes: read only (the pass writes it)."""

    list_display = ["day", "covered_from", "started_at", "completed_at", "sent", "late", "missed"]
    date_hierarchy = "started_at"



@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["mandate", "audience", "state", "progress", "requested_by", "created_at", "finished_at"]
    list_filter = ["audience", "state"]
    list_select_related = ["mandate", "requested_by"]
    readonly_fields = [
        "mandate", "audience", "state", "progress", "file", "sha256", "error", "requested_by",
        "created_at", "finished_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
