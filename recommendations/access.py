"""Who may see and do what: the one read policy, and every permission check.

Roles (DESIGN.md, "Who uses it"):
- secretariat staff hold the global permission ``recommendations.curate`` (through the
  "Secretariat" group): everything, on every situation;
- a focal point is a member of an entity's group. Their rights come from Ownership itself
  (an EXISTS on Ownership and the entity's group), never from a copy kept in step: they may
  record updates on, and read the internal updates of, what their entity owns, and they see
  the situations where it owns something;
- a Council expert is in the "Council experts" group and holds guardian's ``view_situation``
  on each situation they follow (directly or through a group).

The read policy is :class:`Reader`: for a user (pages, CSV, API) or for an audience (a
report printed for Council experts or the secretariat). Each rule has its queryset form and
its per-object form side by side; ``tests/access`` checks that they agree.

Fetch helpers answer a missing object and a forbidden one the same way (404), so ids reveal
nothing. Write checks raise ``PermissionDenied`` (403) for objects the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from recommendations import compiled_sql
from recommendations.models import (
    Entity,
    ImplementationStatus,
    Mandate,
    Ownership,
    ProgressReport,
    Recommendation,
    Situation,
    SituationGroupObjectPermission,
    SituationUserObjectPermission,
    StatusUpdate,
)

SECRETARIAT_GROUP = "Secretariat"
COUNCIL_EXPERTS_GROUP = "Council experts"
CURATE_PERM = "recommendations.curate"
VIEW_SITUATION_PERM = "recommendations.view_situation"

AnyUser = User | AnonymousUser


def is_signed_in(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_secretariat(user: AnyUser) -> bool:
    return bool(is_signed_in(user) and user.has_perm(CURATE_PERM))


def is_council_expert(user: AnyUser) -> bool:
    if not is_signed_in(user):
        return False
    cache = getattr(user, "_wps_groups", None)
    if cache is None:
        cache = user._wps_groups = set(user.groups.values_list("name", flat=True))
    return COUNCIL_EXPERTS_GROUP in cache


def user_entities(user: AnyUser) -> QuerySet[Entity]:
    """The entities whose focal point the user is."""
    if not is_signed_in(user):
        return Entity.objects.none()
    return Entity.objects.filter(group__user=user)


# --- ownership: the focal points' rights -----------------------------------------------------


def owned_by_q(user: AnyUser, *, recommendation: str = "pk") -> Q:
    """Rows whose recommendation (the field named ``recommendation`` of the outer query) an
    entity of ``user`` owns. The queryset form of :func:`owns`."""
    return Q(Exists(Ownership.objects.filter(recommendation=OuterRef(recommendation), entity__group__user=user)))


def owns(user: AnyUser, recommendation: Recommendation) -> bool:
    """Whether an entity of ``user`` owns ``recommendation``. The per-object form of
    :func:`owned_by_q`."""
    return is_signed_in(user) and Ownership.objects.filter(
        recommendation=recommendation, entity__group__user=user
    ).exists()


def _followed_situations_q(user: AnyUser | int, *, situation: str = "pk") -> Q:
    """Rows whose situation (the field named ``situation`` of the outer query) the user
    follows as a Council expert: guardian's view_situation, held directly or through a group."""
    app_label, codename = VIEW_SITUATION_PERM.split(".")
    perm = {"permission__codename": codename, "permission__content_type__app_label": app_label}
    direct = SituationUserObjectPermission.objects.filter(content_object=OuterRef(situation), user=user, **perm)
    grouped = SituationGroupObjectPermission.objects.filter(
        content_object=OuterRef(situation), group__user=user, **perm
    )
    return Q(Exists(direct)) | Q(Exists(grouped))


def _situations_of(user_id: int) -> QuerySet[Situation]:
    """The situations a signed-in person (by id) sees: those they follow as a Council expert,
    and those where an entity of theirs owns a recommendation (:meth:`Reader.situations`)."""
    # Not correlated (an IN over one list, computed once a query): as EXISTS per situation it
    # probed every owned recommendation once per situation, half a focal point's dashboard
    # SQL at 10,000 recommendations (issue 14). The situation as each ownership row stores
    # it, from the (entity, situation) index.
    owned_situations = Ownership.objects.filter(entity__group__user=user_id).values("situation_id")
    return Situation.objects.filter(_followed_situations_q(user_id) | Q(pk__in=owned_situations))


_SITUATION_COLUMNS = [f.attname for f in Situation._meta.concrete_fields]


def _situations_by_name(user_id: int) -> QuerySet:
    """:func:`_situations_of` by name, every column, for compiled_sql (Reader.situation_list)."""
    return _situations_of(user_id).order_by("name").values_list(*_SITUATION_COLUMNS)


def experts_following(situation: Situation) -> QuerySet[User]:
    """Active Council experts who follow ``situation`` and have an address: the rule of
    :meth:`Reader.situations` for experts, from the situation's side. One query."""
    app_label, codename = VIEW_SITUATION_PERM.split(".")
    perm = {"permission__codename": codename, "permission__content_type__app_label": app_label}
    direct = SituationUserObjectPermission.objects.filter(content_object=situation, user=OuterRef("pk"), **perm)
    grouped = SituationGroupObjectPermission.objects.filter(
        content_object=situation, group__user=OuterRef("pk"), **perm
    )
    return (
        User.objects.filter(Q(Exists(direct)) | Q(Exists(grouped)), is_active=True, groups__name=COUNCIL_EXPERTS_GROUP)
        .exclude(email="")
        .order_by("username")
    )


def secretariat_members() -> QuerySet[User]:
    """Active members of the secretariat's group with an address: who is told what the
    reminder passes missed. One query."""
    return User.objects.filter(is_active=True, groups__name=SECRETARIAT_GROUP).exclude(email="").order_by("username")


# --- the read policy -------------------------------------------------------------------------


def standing_q() -> Q:
    """Status updates that stand: not a withdrawal, and neither withdrawn nor corrected by a
    later update. Only these count for anyone: the status shown, pages, CSV, reports (the
    others stay in the history of those who read internal updates). The queryset form of
    :func:`is_standing`."""
    return ~Q(kind=StatusUpdate.Kind.WITHDRAWAL) & ~Q(Exists(StatusUpdate.objects.filter(corrects=OuterRef("pk"))))


def is_standing(update: StatusUpdate) -> bool:
    """The per-object form of :func:`standing_q` (one query, unless the caller set
    ``update.corrected_by``)."""
    if update.kind == StatusUpdate.Kind.WITHDRAWAL:
        return False
    if hasattr(update, "corrected_by"):
        return update.corrected_by is None
    return not StatusUpdate.objects.filter(corrects=update).exists()


def latest_shared_updates() -> QuerySet[StatusUpdate]:
    """Standing shared updates, newest first: the rule of what a reader who may not read a
    recommendation's internal updates is shown (the first of its own)."""
    return StatusUpdate.objects.filter(standing_q(), visibility=StatusUpdate.Visibility.SHARED).order_by(
        "-created_at", "-id"
    )


def shared_reading(recommendation_id: int) -> tuple[str, object]:
    """The status and time shown to a reader who may not read a recommendation's internal
    updates: those of its latest standing shared update, else "not started" and none. What
    curation.services stores in Recommendation.shared_status / shared_update_at, under the
    recommendation's lock, after every update, correction and withdrawal. One query."""
    latest = latest_shared_updates().filter(recommendation_id=recommendation_id).values_list(
        "status", "created_at"
    ).first()
    return latest if latest is not None else (ImplementationStatus.NOT_STARTED, None)


def shared_status() -> Coalesce:
    """:func:`shared_reading`'s status computed in SQL over Recommendation rows (a subquery
    per row): what the stored ``shared_status`` must always equal (tests/access check it).
    Pages read the stored column (Reader.with_shown_status)."""
    latest = latest_shared_updates().filter(recommendation=OuterRef("pk"))
    return Coalesce(
        Subquery(latest.values("status")[:1]), Value(ImplementationStatus.NOT_STARTED), output_field=CharField()
    )


@dataclass(frozen=True)
class Reader:
    """Who reads: a signed-in ``user`` (pages, exports, API), or an ``audience`` with no user
    (a report printed for Council experts, or for the secretariat).

    The rule for internal updates, in one place: the secretariat (staff, or the secretariat
    audience) reads every update; a focal point reads the internal updates of what their
    entity owns; everyone else, and the Council audience, reads shared updates only. Where a
    reader may not read a recommendation's internal updates, the status and date those set
    do not show either (``shared_status``)."""

    user: AnyUser | None = None
    audience: str | None = None
    # One branch of a reader split by what it is shown (:meth:`branches`): True, only the rows
    # whose internal updates it reads; False, only the others; None, every row it may see.
    internal_rows: bool | None = None
    # What this reader has read once (situation_ids); a Reader lives for one request or pass.
    _read: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, user: AnyUser) -> Reader:
        return cls(user=user)

    @classmethod
    def for_audience(cls, audience: str) -> Reader:
        if audience not in ProgressReport.Audience.values:
            raise ValueError(f"unknown audience {audience!r}")
        return cls(audience=audience)

    @property
    def reads_everything(self) -> bool:
        if self.audience is not None:
            return self.audience == ProgressReport.Audience.SECRETARIAT
        return is_secretariat(self.user)

    @property
    def _is_person(self) -> bool:
        return self.audience is None and self.user is not None and is_signed_in(self.user)

    # Situations and what hangs on them.

    def situations(self) -> QuerySet[Situation]:
        if self.audience is not None or self.reads_everything:
            return Situation.objects.all()
        if not self._is_person:
            return Situation.objects.none()
        return _situations_of(self.user.pk)

    def sees_situation_q(self, *, situation: str = "situation") -> Q | None:
        """Rows whose situation (the field named ``situation`` of the outer query) this reader
        may see: :meth:`situations` written per row, for fetching one object (a mandate, a
        recommendation); None when it sees every situation. As a subquery of every situation
        the reader sees, fetching one mandate cost a focal point 18 ms at 100,000
        recommendations (their 5,744 ownerships joined to their recommendations, on every
        report and mandate page); per row, the one situation's owned recommendations are
        looked up alone (issue 14). Not for lists: there it probes once per row."""
        if self.audience is not None or self.reads_everything:
            return None
        if not self._is_person:
            return Q(pk__in=[])
        owned = Ownership.objects.filter(situation_id=OuterRef(situation), entity__group__user=self.user)
        return _followed_situations_q(self.user, situation=situation) | Q(Exists(owned))

    def situation_list(self) -> list[Situation] | None:
        """:meth:`situations` by name, read once for this Reader (one query); None, and no
        query, for a reader of every situation."""
        if self.audience is not None or self.reads_everything:
            return None
        if "situations" not in self._read:
            if self._is_person:
                # Its SQL compiled once a process: building and compiling it was ~2.8 ms of
                # CPU of every list page of an expert at 100,000 recommendations, running it
                # 0.3 (issue 14).
                using = Situation.objects.db
                rows = compiled_sql.rows(_situations_by_name, [self.user.pk], using=using)
                self._read["situations"] = [Situation.from_db(using, _SITUATION_COLUMNS, row) for row in rows]
            else:
                self._read["situations"] = []
        return self._read["situations"]

    def situation_ids(self) -> list[int] | None:
        """The ids of :meth:`situation_list` (the same one query); None for a reader of every
        situation."""
        situations = self.situation_list()
        return None if situations is None else [s.pk for s in situations]

    def recommendations(self, *, by_ids: bool = False) -> QuerySet[Recommendation]:
        """The recommendations this reader may see: those of :meth:`situations`. With
        ``by_ids``, the situations are read first (:meth:`situation_ids`, once per Reader) and
        the filter is a list of ids, for queries over many rows (lists, their counts, exports,
        the mandate page): PostgreSQL estimated the subquery at 262 of 300 situations for a
        focal point who sees 30, and read every matching recommendation of all 300 (issue 14).
        Without it, one query with the subquery inside (fetching one recommendation)."""
        if self.audience is not None or self.reads_everything:
            return Recommendation.objects.all()
        if by_ids:
            return Recommendation.objects.filter(situation_id__in=self.situation_ids())
        return Recommendation.objects.filter(situation__in=self.situations())

    def mandates(self) -> QuerySet[Mandate]:
        if self.audience is not None or self.reads_everything:
            return Mandate.objects.all()
        return Mandate.objects.filter(situation__in=self.situations())

    # Internal updates: the queryset form and the per-object form side by side.

    def internal_q(self, *, recommendation: str = "pk") -> Q | None:
        """A filter on rows (whose recommendation is the field ``recommendation``) whose
        internal updates this reader reads; None when it reads them on every row."""
        if self.reads_everything:
            return None
        if not self._is_person:
            return Q(pk__in=[])
        return owned_by_q(self.user, recommendation=recommendation)

    def internal_flag(self) -> Expression:
        """:meth:`internal_q` as a boolean column, for counts grouped by it (each group then
        counted on the stored status or on the stored shared one, as :meth:`shown_q` tests
        them): a constant when the answer is the same on every row."""
        inside = self.internal_q()
        if inside is None:
            return Value(True, output_field=BooleanField())
        if not self._is_person:
            return Value(False, output_field=BooleanField())
        return ExpressionWrapper(inside, output_field=BooleanField())

    def reads_internal(self, recommendation: Recommendation) -> bool:
        if self.reads_everything:
            return True
        return self._is_person and owns(self.user, recommendation)

    def updates(
        self, queryset: QuerySet[StatusUpdate] | None = None, *, reads_internal: bool | None = None
    ) -> QuerySet[StatusUpdate]:
        """Of ``queryset`` (default: every update), those this reader may read. Who may see
        the recommendation at all is recommendations()'s business: callers start from what
        that allows. ``reads_internal``: reads_internal() of the one recommendation the
        queryset holds, when the caller knows it already."""
        updates = StatusUpdate.objects.all() if queryset is None else queryset
        updates = updates.filter(standing_q())
        if reads_internal is not None:
            return updates if reads_internal else updates.filter(visibility=StatusUpdate.Visibility.SHARED)
        inside = self.internal_q(recommendation="recommendation_id")
        if inside is None:
            return updates
        return updates.filter(Q(visibility=StatusUpdate.Visibility.SHARED) | inside)

    def history(self, queryset: QuerySet[StatusUpdate], *, reads_internal: bool) -> QuerySet[StatusUpdate]:
        """Of one recommendation's updates, those its page lists: for a reader of its internal
        updates (``reads_internal``), all of them, withdrawals and the updates withdrawn or
        corrected included (the page strikes those through, with the reason); for anyone
        else, exactly :meth:`updates`."""
        return queryset if reads_internal else self.updates(queryset, reads_internal=False)

    def may_read_update(self, update: StatusUpdate) -> bool:
        """The per-object form of :meth:`updates`."""
        if not is_standing(update):
            return False
        return update.visibility == StatusUpdate.Visibility.SHARED or self.reads_internal(update.recommendation)

    def status_of(
        self, recommendation: Recommendation, updates: list[StatusUpdate], *, reads_internal: bool | None = None
    ) -> tuple[str, object]:
        """The status and time this reader sees on ``recommendation``, given the updates it
        may read, newest first: the stored ones where it reads internal updates, else the
        latest readable update's (the per-object form of :meth:`with_shown_status`)."""
        if reads_internal is None:
            reads_internal = self.reads_internal(recommendation)
        if reads_internal:
            return recommendation.status, recommendation.last_update_at
        if updates:
            return updates[0].status, updates[0].created_at
        return ImplementationStatus.NOT_STARTED, None

    def branches(self) -> tuple[Reader, Reader] | None:
        """This reader split by the reading each row shows it: a reader of the rows whose
        internal updates it reads (shown their stored status and time), and a reader of the
        others (shown the shared ones); together, exactly this reader's rows and readings. In
        each, :meth:`with_shown_status` keeps only the branch's rows and shows plain columns
        instead of the CASE, so that a sort on what is shown can follow an index (the list by
        last update: curation.selectors.MergedRows), and :meth:`shown_q` tests those columns
        alone: use a branch's shown_q on rows its with_shown_status gave. None where one
        reading holds on every row (the secretariat, an audience, anyone not signed in)."""
        if self.internal_rows is not None or not self._is_person or self.internal_q() is None:
            return None
        return replace(self, internal_rows=True), replace(self, internal_rows=False)

    def with_shown_status(self, recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
        """``recs`` annotated with ``shown_status`` (and aliased ``shown_update_at``): what
        :meth:`status_of` gives, for every row in the same query. shown_update_at is an
        alias, computed only where a filter, a sort or an explicit annotation uses it. For
        one of :meth:`branches`, only the branch's rows, with its plain columns."""
        inside = self.internal_q()
        if inside is None:
            return recs.annotate(shown_status=F("status")).alias(shown_update_at=F("last_update_at"))
        if self.internal_rows is True:
            return recs.filter(inside).annotate(shown_status=F("status")).alias(shown_update_at=F("last_update_at"))
        if self.internal_rows is False:
            return recs.filter(~inside).annotate(shown_status=F("shared_status")).alias(
                shown_update_at=F("shared_update_at")
            )
        if not self._is_person:
            # Reads no internal update anywhere (the Council audience, anonymous): the stored
            # shared reading itself. (For a signed-in expert the CASE stays: measured at 10k,
            # the plain column made PostgreSQL scan the whole table instead of starting from
            # the expert's situations, 21 ms against 7 ms.)
            return recs.annotate(shown_status=F("shared_status")).alias(shown_update_at=F("shared_update_at"))
        return recs.annotate(
            shown_status=Case(When(inside, then=F("status")), default=F("shared_status"), output_field=CharField()),
        ).alias(
            shown_update_at=Case(
                When(inside, then=F("last_update_at")), default=F("shared_update_at"), output_field=DateTimeField()
            ),
        )

    def shown_q(self, rule: Callable[..., Q]) -> Q:
        """Rows where ``rule`` holds over what this reader is shown: ``rule(status=...,
        updated=...)`` builds a Q over the fields it is given (rules.stale_q, overdue_q, a
        status). The same reading as :meth:`with_shown_status`, written as its two branches:
        the rows whose internal updates the reader reads, tested on the stored status, or the
        others, tested on the stored shared one. Filters use this form, not the annotation:
        PostgreSQL cannot estimate a test on the CASE (it guessed 50 rows for 4,398 of a
        focal point's stale ones at 100,000, and joined with a nested loop: 130 ms), while
        each branch is a plain column test it has statistics for (issue 14)."""
        stored = rule(status="status", updated="last_update_at")
        shared = rule(status="shared_status", updated="shared_update_at")
        inside = self.internal_q()
        if inside is None:
            return stored
        if not self._is_person:
            return shared
        # One of branches(): the test on its own columns alone, for the rows its
        # with_shown_status kept (the test on ownership again made PostgreSQL probe the owners
        # once more for every row, a third of the plan).
        if self.internal_rows is True:
            return stored
        if self.internal_rows is False:
            return shared
        return (inside & stored) | (~inside & shared)


# --- writes ------------------------------------------------------------------------------------


def may_correct(
    user: AnyUser, update: StatusUpdate, *, can_update: bool | None = None, entity_ids: set[int] | None = None
) -> bool:
    """Who may correct or withdraw a standing update: secretariat staff, any; a focal point
    of an owning entity, the updates they recorded or that were recorded for their entity.
    ``can_update`` (can_update_status of its recommendation) and ``entity_ids`` (the user's
    entities) save queries when the caller knows them."""
    if not is_standing(update):
        return False
    if can_update is None:
        can_update = can_update_status(user, update.recommendation)
    if not can_update:
        return False
    if is_secretariat(user):
        return True
    if update.author_id == user.pk:
        return True
    if update.on_behalf_of_id is None:
        return False
    if entity_ids is None:
        entity_ids = set(user_entities(user).values_list("pk", flat=True))
    return update.on_behalf_of_id in entity_ids



def can_update_status(user: AnyUser, recommendation: Recommendation) -> bool:
    """Secretariat staff, on every recommendation; a focal point, on what their entity owns:
    the same right as reading its internal updates (Reader.reads_internal)."""
    return Reader.of(user).reads_internal(recommendation)


def allowed_visibilities(user: AnyUser, recommendation: Recommendation) -> list[str]:
    """The visibilities the user may choose when recording an update; empty when they may
    record none."""
    if not can_update_status(user, recommendation):
        return []
    return [StatusUpdate.Visibility.INTERNAL, StatusUpdate.Visibility.SHARED]


# --- fetch or 404 ----------------------------------------------------------------------------


def _get_or_404(queryset: QuerySet, pk) -> object:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such page.") from None


def visible_situations(user: AnyUser) -> QuerySet[Situation]:
    return Reader.of(user).situations()


def visible_recommendations(user: AnyUser) -> QuerySet[Recommendation]:
    return Reader.of(user).recommendations()


def visible_mandates(user: AnyUser) -> QuerySet[Mandate]:
    return Reader.of(user).mandates()



def _one_visible(queryset: QuerySet, user: AnyUser, *, situation: str = "situation") -> QuerySet:
    """``queryset`` narrowed to rows whose situation the user may see, tested per row
    (Reader.sees_situation_q): the form for fetching one object."""
    sees = Reader.of(user).sees_situation_q(situation=situation)
    return queryset if sees is None else queryset.filter(sees)


def get_recommendation_for_user(user: AnyUser, pk) -> Recommendation:
    return _get_or_404(_one_visible(Recommendation.objects.select_related("situation", "briefing"), user), pk)


def get_situation_for_user(user: AnyUser, pk) -> Situation:
    return _get_or_404(_one_visible(Situation.objects.all(), user, situation="pk"), pk)


def get_mandate_for_user(user: AnyUser, pk) -> Mandate:
    return _get_or_404(_one_visible(Mandate.objects.select_related("situation"), user), pk)


def visible_reports(user: AnyUser) -> QuerySet[ProgressReport]:
    return _readable_versions(user, ProgressReport.objects.filter(mandate__in=visible_mandates(user)))


def visible_reports_of(user: AnyUser, *, mandates: list[Mandate]) -> QuerySet[ProgressReport]:
    """The versions of ``mandates`` that ``user`` may read, for mandates the caller fetched
    through :func:`get_mandate_for_user` or from the situations the user sees (the
    dashboard's rows): :func:`visible_reports` without deriving the visible mandates again.
    Their subquery cost PostgreSQL about 17 ms of planning for a Council expert at 100,000
    recommendations, on every report and mandate page, to find the one mandate already in
    hand, and a focal point 7 ms on the dashboard (issue 14)."""
    return _readable_versions(user, ProgressReport.objects.filter(mandate__in=[m.pk for m in mandates]))


def _readable_versions(user: AnyUser, reports: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """Of ``reports`` (of mandates the user may see), those the user may read: every version
    for the secretariat; for focal points and Council experts, only what is printed for
    Council experts."""
    if is_secretariat(user):
        return reports
    return reports.filter(audience=ProgressReport.Audience.COUNCIL)


def get_report_for_user(user: AnyUser, pk) -> ProgressReport:
    reports = _one_visible(ProgressReport.objects.select_related("mandate"), user, situation="mandate__situation_id")
    return _get_or_404(_readable_versions(user, reports), pk)


def may_read_audience(user, *, audience: str) -> bool:
    """Secretariat staff read both audiences; everyone else who may see the mandate reads
    only what is printed for Council experts (as visible_reports does)."""
    return audience == ProgressReport.Audience.COUNCIL or is_secretariat(user)


def may_generate_report(user, *, mandate: Mandate, audience: str) -> bool:
    """Who may ask for a new version: secretariat staff, for either audience; a Council
    expert who follows the mandate's situation, for the Council audience only (they read
    these before renewals and should not wait for the secretariat). Focal points read the
    reports but do not generate them."""
    if is_secretariat(user):
        return audience in ProgressReport.Audience.values
    return (
        audience == ProgressReport.Audience.COUNCIL
        and is_council_expert(user)
        and Situation.objects.filter(_followed_situations_q(user), pk=mandate.situation_id).exists()
    )


# --- write checks ----------------------------------------------------------------------------


def require_secretariat(user: AnyUser) -> None:
    if not is_secretariat(user):
        raise PermissionDenied("Only secretariat staff may do this.")


def require_update_status(user: AnyUser, recommendation: Recommendation) -> None:
    if not can_update_status(user, recommendation):
        raise PermissionDenied("You may not record updates on this recommendation.")
