"""The domain of DESIGN.md. Names here are part of the contract with other tests.

Writes go through ``services.py``; reads that views, reports and reminders need go through
``selectors.py``. Status updates are append-only: the model, its queryset and the admin all
refuse to change or delete one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Situation(models.Model):
    name = models.CharField(max_length=120, unique=True)
    # ISO 3166 alpha-3 where the situation is a country; used in recommendation references.
    code = models.CharField(max_length=12, unique=True)
    # While false the Council is not seized of it: no reminder clock runs.
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    symbol = models.CharField(max_length=40, unique=True, help_text="S/RES/2640 (2022)")
    number = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    mission = models.CharField(max_length=40, help_text="MINUSMA")
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="mandates")
    adopted_on = models.DateField(null=True, blank=True)
    # Empty only when an imported resolution's expiry could not be read: a person sets it.
    expires_on = models.DateField(null=True, blank=True, help_text="The renewal deadline.")
    renews = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewed_by"
    )
    # The resolution that ended this mandate instead of renewing it (2690 (2023) for MINUSMA):
    # the renewal cycle stops; no reminder or report runs for it afterwards.
    terminated_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="terminates"
    )
    # The metadata's title ("[on extension of the mandate of ... until 30 June 2023]"), kept as
    # published; the symbol and expiry come from the text itself.
    title = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-expires_on"]
        constraints = [
            models.UniqueConstraint(fields=["number", "year"], name="mandate_unique_resolution"),
        ]
        indexes = [
            # The current mandate of a situation, and the reminder pass's "expires in N days".
            models.Index(fields=["situation", "expires_on"], name="mandate_situation_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.mission})"

    def get_absolute_url(self) -> str:
        return reverse("mandate_detail", args=[self.pk])

    def days_to_renewal(self, today=None) -> int | None:
        from recommendations.dates import local_today

        if self.expires_on is None:
            return None
        return (self.expires_on - (today or local_today())).days


class MandateParagraph(models.Model):
    """One unit of a mandate: a preambular or operative paragraph, a list point or sub-point, or
    a dash of a list. Once the resolution itself is imported, a mandate's rows are exactly its
    units with their official labels and texts; before that, they are the extracts a note's
    annex quotes, labelled as the note labels them. A note's own quotation is kept with the
    note (ParagraphQuotation), never as another paragraph."""

    class Kind(models.TextChoices):
        PREAMBULAR = "preambular", _("Preambular")
        OPERATIVE = "operative", _("Operative")

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="paragraphs")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.CharField(max_length=8, help_text="Operative number (26); preambular ordinal (9).")
    sub_item = models.CharField(
        max_length=40, blank=True, help_text="Below the paragraph: (a), (a)(iii), dash 12, (a)(iii) dash 2."
    )
    # How the readers cite it: "PP 9", "OP 26", "OP 26 (a)(iii)", "OP 41 dash 12".
    label = models.CharField(max_length=60)
    text = models.TextField()
    text_fr = models.TextField(blank=True)
    # The element's eId in the UN's XML; empty for extracts known only from a note.
    eid = models.CharField(max_length=200, blank=True)
    # True once the text comes from the resolution itself rather than a note's quotation.
    official = models.BooleanField(default=False)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["mandate", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "label"], name="paragraph_unique_label"),
        ]

    def __str__(self) -> str:
        return f"{self.mandate.symbol} {self.label}"

    def save(self, *args, **kwargs):
        if not self.label:
            self.label = self.label_of(kind=self.kind, number=self.number, sub_item=self.sub_item)
        super().save(*args, **kwargs)

    @staticmethod
    def label_of(*, kind: str, number: str, sub_item: str = "") -> str:
        """The official way to write a label: "PP 9", "OP 26 (a)(iii)", "OP 41 dash 12"."""
        prefix = "PP" if kind == MandateParagraph.Kind.PREAMBULAR else "OP"
        if sub_item and not sub_item.startswith(("(", "dash")):
            sub_item = f"({sub_item})"  # a bare letter, as notes' annexes number their items
        return f"{prefix} {number}" + (f" {sub_item}" if sub_item else "")


class ParagraphQuotation(models.Model):
    """A note's own quotation of a mandate paragraph, as its annex prints it (with its "(...)"
    cuts): part of the note's record, kept whatever other notes or the resolution say."""

    briefing = models.ForeignKey("Briefing", on_delete=models.CASCADE, related_name="quotations")
    paragraph = models.ForeignKey(MandateParagraph, on_delete=models.CASCADE, related_name="quotations")
    # The label as the note gives it ("OP 26 (c)" for what is officially OP 26 (a)(vi)).
    label = models.CharField(max_length=60)
    text = models.TextField()
    position = models.PositiveIntegerField(help_text="Order within the note's annex.")

    class Meta:
        ordering = ["briefing", "position"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "position"], name="quotation_unique_position"),
        ]
        indexes = [
            # Paragraph page and report: the notes that quote a paragraph.
            models.Index(fields=["paragraph", "briefing"], name="quotation_paragraph"),
        ]

    def __str__(self) -> str:
        return f"{self.briefing} quotes {self.label}"


class Briefing(models.Model):
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="briefings")
    mandate = models.ForeignKey(
        Mandate, null=True, blank=True, on_delete=models.PROTECT, related_name="briefings",
        help_text="The mandate whose paragraphs the note's annex quotes.",
    )
    title = models.CharField(max_length=300)
    issued_on = models.DateField()
    earlier_meetings = models.JSONField(default=list, blank=True, help_text='["2016-02", ...]')
    original_text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.issued_on:%d %B %Y})"


class Entity(models.Model):
    name = models.CharField(max_length=120, unique=True)
    # Focal points are the members of this group; it holds the object permissions, so
    # membership changes need no permission sync.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="entity")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label_of(self.name)

    @staticmethod
    def label_of(name: str) -> str:
        """A theme named ``name`` in words: in the reader's language where the name is one of
        the known themes (words.THEME_NAMES)."""
        return gettext(name)


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIAL = "partial", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    SUPERSEDED = "superseded", _("Superseded")


# A recommendation is open while someone can still act on it.
OPEN_STATUSES = (
    ImplementationStatus.NOT_STARTED,
    ImplementationStatus.IN_PROGRESS,
    ImplementationStatus.PARTIAL,
)


class Uptake(models.TextChoices):
    PENDING = "pending", _("Pending")
    REFLECTED = "reflected", _("Reflected")
    PARTLY_REFLECTED = "partly_reflected", _("Partly reflected")
    NOT_REFLECTED = "not_reflected", _("Not reflected")


class Addressee(models.TextChoices):
    SECURITY_COUNCIL = "security_council", _("Security Council")
    HOST_AUTHORITIES = "host_authorities", _("Host authorities")
    MISSION = "mission", _("The mission")
    UN_PARTNERS = "un_partners", _("UN and international partners")
    COUNCIL_MEMBERS = "council_members", _("Council members")


class Recommendation(models.Model):
    class Relation(models.TextChoices):
        REPEATS = "repeats", _("Repeats")
        SUPERSEDES = "supersedes", _("Supersedes")

    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="recommendations")
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="recommendations")
    reference = models.CharField(max_length=40, unique=True, help_text="MLI-2023-03-R01")
    position = models.PositiveIntegerField(help_text="Order within its briefing.")
    text = models.TextField()
    addressee = models.CharField(max_length=20, choices=Addressee.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")
    owners = models.ManyToManyField(
        Entity, through="Ownership", blank=True, related_name="recommendations"
    )
    paragraphs = models.ManyToManyField(
        MandateParagraph, through="ParagraphLink", blank=True, related_name="recommendations"
    )
    due_on = models.DateField(null=True, blank=True)
    # Denormalised from the latest StatusUpdate by services.record_status_update, in the same
    # transaction, so lists filter and sort on them without a subquery per row.
    status = models.CharField(
        max_length=20, choices=ImplementationStatus.choices, default=ImplementationStatus.NOT_STARTED
    )
    last_update_at = models.DateTimeField(null=True, blank=True)
    # What those who may not read its internal updates are shown: the status and time of its
    # latest standing shared update, else "not started" and none (access.shared_reading, the
    # rule). Kept by the same services, under the same lock, as status and last_update_at, so
    # Reader.with_shown_status reads two columns instead of a subquery per row.
    shared_status = models.CharField(
        max_length=20, choices=ImplementationStatus.choices, default=ImplementationStatus.NOT_STARTED
    )
    shared_update_at = models.DateTimeField(null=True, blank=True)
    # Whether an entity owns it (an Ownership row exists): the secretariat's "No owner" count
    # and list read this column (issue 14: the anti-join over every recommendation and its
    # owners was half the secretariat's dashboard at 100,000). Kept by curation.services
    # (assign_owner, remove_owner, refresh_has_owner) under the recommendation's lock, like
    # the status; rights never read it (they come from the Ownership rows, access.owned_by_q).
    has_owner = models.BooleanField(default=False)
    uptake = models.CharField(max_length=20, choices=Uptake.choices, default=Uptake.PENDING)
    uptake_paragraph = models.ForeignKey(
        MandateParagraph, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The paragraph of the new resolution that reflects it.",
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followed_by",
        help_text="The earlier recommendation this one repeats or supersedes.",
    )
    relation_to_previous = models.CharField(max_length=12, choices=Relation.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["situation__name", "briefing__issued_on", "position"]
        permissions = [
            # Global permission of the secretariat's group: curate everything, everywhere.
            ("curate", "Curate recommendations on every situation (secretariat)"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "position"], name="recommendation_unique_position"),
            models.CheckConstraint(
                condition=models.Q(previous__isnull=True, relation_to_previous="")
                | models.Q(previous__isnull=False) & ~models.Q(relation_to_previous=""),
                name="recommendation_relation_needs_previous",
            ),
        ]
        indexes = [
            # Dashboard counts and the list filtered by situation and status.
            models.Index(fields=["situation", "status"], name="rec_situation_status"),
            # Reminder pass: open recommendations with no update since a date (stale, cycle).
            models.Index(fields=["status", "last_update_at"], name="rec_status_last_update"),
            # Reminder pass and dashboard: overdue = open and due_on before today.
            models.Index(fields=["status", "due_on"], name="rec_status_due"),
            # The list sorted by due date (curation.selectors.SORTS["due"]) for readers of every
            # update: an ordered index scan, not a sort of every row (115 ms to ~1 ms at 100,000).
            models.Index(fields=["due_on", "reference"], name="rec_due_sort"),
            # ... and by last update, newest first (SORTS["-updated"]); 108 ms to ~1 ms at 100,000.
            # On PostgreSQL only (SQLite cannot index NULLS LAST): see its migration, 0010.
            models.Index(models.F("last_update_at").desc(nulls_last=True), models.F("reference"), name="rec_updated_sort"),
            # ... and the same on the shared reading, for those shown it: a focal point's list by
            # last update reads its rows as a merge of those they read internal updates on (by
            # rec_updated_sort) and the others (by this one), curation.selectors.MergedRows: at
            # 100,000, a top-N sort of the ~10,000 rows they see (37 ms) became two index scans
            # (5 ms; EXPLAIN ANALYZE of the first page). PostgreSQL only, as above: 0014.
            models.Index(
                models.F("shared_update_at").desc(nulls_last=True), models.F("reference"), name="rec_shared_updated_sort"
            ),
            # The list's search (curation.filters._words) on PostgreSQL: a stored tsvector column,
            # search_document, generated from reference and text, and its GIN index rec_search.
            # Both outside the model's state, so that no query selects the column: migration 0011.
            # The secretariat's dashboard: the first unowned ones, soonest due, without reading
            # the owned ones (few or none are unowned once the secretariat has assigned them).
            models.Index(fields=["due_on"], condition=models.Q(has_owner=False), name="rec_unowned_due"),
            # A focal point's situations (access.Reader.situations: the situations of the
            # recommendations their entities own) from the index alone, not one table read per
            # owned recommendation: 16-20 ms to 6 ms for 5,744 owned at 100,000, on every page.
            models.Index(fields=["id", "situation"], name="rec_id_situation"),
            # Not declared here, on PostgreSQL only (INCLUDE; SQLite would warn and build a second
            # index on the situation alone): rec_dashboard_counts, on the situation with every
            # column the dashboard's counts read (curation.selectors._counts_in_sql), so that they
            # come from the index alone where the table is vacuumed. See migration 0012.
            # Likewise rec_situation_due (migration 0017): (situation, due_on) with the id and both
            # stored statuses, so that a focal point's or an expert's overdue ones (the list's
            # count, rules.overdue_q over their situations) are counted from the index, due date
            # first: at 100,000, 15.6 -> 4.1 ms, 6,323 -> 428 buffers for a focal point's count,
            # where PostgreSQL had read 6,000 table pages (EXPLAIN ANALYZE, issue 14).
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("recommendation_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def get_additional_data(self) -> dict:
        """Kept with each history entry: the label of the paragraph reflecting the uptake."""
        paragraph = self.uptake_paragraph if self.uptake_paragraph_id else None
        return {"uptake_paragraph": f"{paragraph.mandate.symbol} {paragraph.label}" if paragraph else ""}


class Ownership(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE)
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT)
    # The recommendation's situation, copied when the row is made (save()): a recommendation
    # keeps its note's situation for good (the admin shows it read-only once saved). What a
    # focal point sees is the situations where their entity owns something (access.Reader):
    # read from the index below alone, not through each owned recommendation (5,744 lookups,
    # 12 ms on every page of a focal point at 100,000 recommendations; issue 14).
    situation = models.ForeignKey(Situation, on_delete=models.CASCADE, editable=False, related_name="+", db_index=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "entity"], name="ownership_unique"),
        ]
        indexes = [
            # Reminder pass and focal-point dashboard: the recommendations an entity owns.
            models.Index(fields=["entity", "recommendation"], name="ownership_entity"),
            # The situations where an entity owns something (access.Reader.situations).
            models.Index(fields=["entity", "situation"], name="ownership_entity_situation"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} owns {self.recommendation}"

    def save(self, *args, **kwargs):
        if self.situation_id is None:
            self.situation_id = self.recommendation.situation_id
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        """Kept with each history entry (curation/history.py): whose history it is, and what
        an "Undo" re-adds, once the row itself is gone."""
        return {"recommendation": self.recommendation_id, "entity": self.entity_id, "name": self.entity.name}


class ParagraphLink(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE)
    paragraph = models.ForeignKey(MandateParagraph, on_delete=models.CASCADE)
    # False: the system suggested it and no person has confirmed it yet.
    confirmed = models.BooleanField(default=False)
    # The recommendation's own text cites this paragraph ("OPs 4, 7"): suggested first.
    cited = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["paragraph__position"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "paragraph"], name="paragraph_link_unique"),
        ]
        indexes = [
            # Mandate page: the recommendations linked to each paragraph of a mandate.
            models.Index(fields=["paragraph", "recommendation"], name="paragraph_link_paragraph"),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} → {self.paragraph.label}"

    def get_additional_data(self) -> dict:
        """As Ownership.get_additional_data."""
        return {
            "recommendation": self.recommendation_id, "paragraph": self.paragraph_id,
            "name": f"{self.paragraph.mandate.symbol} {self.paragraph.label}",
        }


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a status update."""


class StatusUpdateQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Status updates are append-only; record a new update instead.")

    def delete(self):
        raise AppendOnlyError("Status updates are append-only; they are never deleted.")

    def visible_to_council(self) -> StatusUpdateQuerySet:
        return self.filter(visibility=StatusUpdate.Visibility.SHARED)


class StatusUpdate(models.Model):
    class Visibility(models.TextChoices):
        # Who reads it, in the words of the people choosing (the owning entities' focal
        # points read internal updates too: access.Reader).
        INTERNAL = "internal", _("Secretariat and owning entities")
        SHARED = "shared", _("Also Council experts")

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        # A correction replaces the update it names; a withdrawal only takes it back. Either
        # way the named update no longer counts anywhere (access.standing_q), and stays in
        # the history of those who read internal updates.
        CORRECTION = "correction", _("Correction")
        WITHDRAWAL = "withdrawal", _("Withdrawal")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="status_updates"
    )
    status = models.CharField(max_length=20, choices=ImplementationStatus.choices)
    note = models.TextField(blank=True)
    # UN document symbols ("S/2022/595") or https links, one string each.
    evidence = models.JSONField(default=list, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="status_updates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPDATE)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
        help_text="The earlier update of the same recommendation that this one corrects or withdraws.",
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # An update is corrected or withdrawn once at most.
            models.UniqueConstraint(fields=["corrects"], name="status_update_corrected_once"),
            models.CheckConstraint(
                condition=models.Q(kind="update", corrects__isnull=True)
                | ~models.Q(kind="update") & models.Q(corrects__isnull=False),
                name="status_update_correction_names_one",
            ),
        ]
        indexes = [
            # Timeline of one recommendation, newest first; "updates since the last renewal".
            models.Index(fields=["recommendation", "-created_at"], name="status_update_timeline"),
            # The report's reads of its recommendations' updates this cycle, from the index alone
            # (PostgreSQL; elsewhere a plain index): the page's counts by recommendation, day and
            # status (reports.content._read_updates) and the "updated this cycle" subqueries.
            # Measured at 100,000 recommendations, the counts read 6,000 table pages for the
            # updates of 300 recommendations, scattered over the table: 15-25 ms of each report
            # page; from this index, 1,500 index pages (issue 14).
            models.Index(
                fields=["recommendation", "created_at"], include=["id", "status", "visibility", "kind", "on_behalf_of"],
                name="status_update_cycle_reads",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation}: {self.get_status_display()} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("Status updates are append-only; record a new update instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Status updates are append-only; they are never deleted.")


class Reminder(models.Model):
    class Kind(models.TextChoices):
        RENEWAL = "renewal", _("Renewal cycle digest")
        STALE = "stale", _("Stale digest")
        OVERDUE = "overdue", _("Overdue digest")
        REPORT = "report", _("Report ahead of renewal")
        MISSED = "missed", _("Missed reminders (to the secretariat)")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What makes the send unique within its kind: the situation or mandate and the date or
    # week it is for, e.g. "mandate-3:T-30" or "situation-1:2023-W14".
    period = models.CharField(max_length=80)
    situation = models.ForeignKey(Situation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(help_text="The address it was, or will be, sent to.")
    subject = models.CharField(max_length=250, blank=True)
    # What the digest lists (recommendation ids, report id, ...), fixed when the row is made.
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    tries = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Fixed at the first claim and kept: a row resent after its worker died mid-send goes out
    # with the same Message-ID, so a receiver that got the first copy can tell.
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period"], name="reminder_unique_send"),
        ]
        indexes = [
            # The pass re-queues reminders left pending or failed by an earlier pass.
            models.Index(fields=["state", "created_at"], name="reminder_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email} ({self.period})"


class ReminderPass(models.Model):
    """One run of the daily reminder pass: the day it ran as (``day``), the first day it
    covered (``covered_from``: the day after the last completed pass, or ``day``), when it
    started and when it completed. A pass that died has no ``completed_at``, so the next
    one covers its days again."""

    day = models.DateField()
    covered_from = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0, help_text="Reminder rows this pass made.")
    late = models.PositiveIntegerField(default=0, help_text="Of those, sent late (a missed pass).")
    missed = models.PositiveIntegerField(default=0, help_text="Reminders too late to send, reported to the secretariat.")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            # The pass: the latest day a completed pass covered; /healthz: the last completion.
            models.Index(fields=["completed_at", "day"], name="reminder_pass_completed"),
        ]

    def __str__(self) -> str:
        return f"Reminder pass for {self.day:%Y-%m-%d}"


class ReminderPreference(models.Model):
    """Which reminders a person gets, chosen on /account/reminders/. Without a row, every
    reminder is on. Renewal digests and the report email cannot be turned off: the renewal
    is the point of the product."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("Off")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    stale = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    overdue = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reminders of {self.user}: stale {self.stale}, overdue {self.overdue}"


class Language(models.TextChoices):
    # Each language named in itself, whatever the reader's language (settings.LANGUAGES).
    ENGLISH = "en", "English"
    FRENCH = "fr", "Français"


class UserProfile(models.Model):
    """A person's language, chosen on /account/language/ or by the secretariat when inviting.
    The pages follow it (kept in the session at login), and so do the emails they get.
    Without a row, English."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"


def report_upload_to(instance: ProgressReport, filename: str) -> str:
    return f"reports/{instance.mandate_id}/{filename}"


class ProgressReport(models.Model):
    class Audience(models.TextChoices):
        COUNCIL = "council", _("For Council experts")
        SECRETARIAT = "secretariat", _("Secretariat internal")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="reports")
    audience = models.CharField(max_length=12, choices=Audience.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=report_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the state or progress last moved: a running version that stops moving for
    # WPS_REPORT_STALLED_AFTER seconds is a dead job (reports.services.recover_stalled_reports).
    progressed_at = models.DateTimeField(null=True, blank=True)
    # Renders started: a stalled version is retried once automatically.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_max_100"),
        ]
        indexes = [
            # Mandate page: the latest versions of a mandate's reports per audience.
            models.Index(fields=["mandate", "audience", "-created_at"], name="report_versions"),
        ]

    def __str__(self) -> str:
        return f"{self.mandate.symbol} — {self.get_audience_display()} ({self.created_at:%Y-%m-%d %H:%M})"


# Direct foreign keys for guardian's object permissions (Council experts following situations):
# one join instead of a generic (content type, text id) lookup, so permission-filtered lists
# stay one query. Focal points' rights are not permissions: they derive from Ownership.
class SituationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Situation, on_delete=models.CASCADE)


class SituationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Situation, on_delete=models.CASCADE)


class ApiToken(models.Model):
    """A key a user made to read the API (/api/v1/) as themselves: shown once, kept only as
    its SHA-256, so a copy of the database gives no one a working key. Revoking deletes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What it is for, e.g. 'Mission dashboard'.")
    key_sha256 = models.CharField(max_length=64, unique=True)
    # The first characters of the key, so its owner can tell their keys apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class CalendarFeed(models.Model):
    """The secret address of a user's calendar feed (/calendar/<key>.ics). Calendar clients
    fetch it without signing in, so the key is the only protection: a new key revokes the
    old address. Kept in clear, unlike API tokens, because its owner must be able to copy the
    address again; it reads dates only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar of {self.user}"
