"""Who may see and do what: the one place object permissions are checked.

Roles (DESIGN.md, "Who uses it"):
- secretariat staff hold the global permission ``recommendations.curate`` (through the
  "Secretariat" group): everything, on every situation;
- a focal point is a member of an entity's group; that group holds ``update_status`` on each
  recommendation the entity owns and ``view_situation`` on each situation where it owns one;
- a Council expert holds ``view_situation`` on each situation they follow (directly or
  through a group) and is in the "Council experts" group.

Fetch helpers answer a missing object and a forbidden one the same way (404), so ids reveal
nothing. Write checks raise ``PermissionDenied`` (403) for objects the user may see.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from recommendations.models import (
    Entity,
    Mandate,
    ProgressReport,
    Recommendation,
    RecommendationGroupObjectPermission,
    RecommendationUserObjectPermission,
    Situation,
    StatusUpdate,
)

SECRETARIAT_GROUP = "Secretariat"
COUNCIL_EXPERTS_GROUP = "Council experts"
CURATE_PERM = "recommendations.curate"
VIEW_SITUATION_PERM = "recommendations.view_situation"
UPDATE_STATUS_PERM = "recommendations.update_status"

AnyUser = User | AnonymousUser


def is_secretariat(user: AnyUser) -> bool:
    return bool(user.is_active and user.is_authenticated and user.has_perm(CURATE_PERM))


def is_council_expert(user: AnyUser) -> bool:
    if not (user.is_active and user.is_authenticated):
        return False
    cache = getattr(user, "_wps_groups", None)
    if cache is None:
        cache = user._wps_groups = set(user.groups.values_list("name", flat=True))
    return COUNCIL_EXPERTS_GROUP in cache


def user_entities(user: AnyUser) -> QuerySet[Entity]:
    """The entities whose focal point the user is."""
    if not user.is_authenticated:
        return Entity.objects.none()
    return Entity.objects.filter(group__user=user)


# --- reads ---------------------------------------------------------------------------------


def visible_situations(user: AnyUser) -> QuerySet[Situation]:
    if not (user.is_authenticated and user.is_active):
        return Situation.objects.none()
    if is_secretariat(user):
        return Situation.objects.all()
    return get_objects_for_user(
        user, VIEW_SITUATION_PERM, klass=Situation, accept_global_perms=False, with_superuser=False
    )


def visible_recommendations(user: AnyUser) -> QuerySet[Recommendation]:
    if is_secretariat(user):
        return Recommendation.objects.all()
    return Recommendation.objects.filter(situation__in=visible_situations(user))


def visible_mandates(user: AnyUser) -> QuerySet[Mandate]:
    if is_secretariat(user):
        return Mandate.objects.all()
    return Mandate.objects.filter(situation__in=visible_situations(user))


def updatable_recommendation_ids(user: AnyUser, recommendations) -> set[int]:
    """Of ``recommendations`` (ids or objects), those the user may add status updates to,
    in one query: for a page of rows, not one check per row."""
    ids = [getattr(r, "pk", r) for r in recommendations]
    if not ids:
        return set()
    if is_secretariat(user):
        return set(ids)
    if not user.is_authenticated:
        return set()
    allowed = get_objects_for_user(
        user, UPDATE_STATUS_PERM, klass=Recommendation.objects.filter(pk__in=ids),
        accept_global_perms=False, with_superuser=False,
    )
    return set(allowed.values_list("pk", flat=True))


def can_update_status(user: AnyUser, recommendation: Recommendation) -> bool:
    return bool(updatable_recommendation_ids(user, [recommendation.pk]))


def can_see_internal_notes(user: AnyUser, recommendation: Recommendation) -> bool:
    """Secretariat-internal notes are for the secretariat and the owning entities' focal
    points; never for Council experts."""
    return can_update_status(user, recommendation)


def internal_notes_visible_q(user: AnyUser) -> Q | None:
    """A filter on Recommendation rows whose internal notes the user may read, for use in
    one query over many rows; None when they may read them on every row (the secretariat).
    The same rule as can_see_internal_notes, written as correlated EXISTS on guardian's
    direct-FK tables (the equivalent of get_objects_for_user with accept_global_perms=False)
    so that each row is one index lookup instead of a scan of every recommendation."""
    if is_secretariat(user):
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    perm = {"permission__codename": "update_status", "permission__content_type__app_label": "recommendations"}
    return Q(
        Exists(RecommendationUserObjectPermission.objects.filter(content_object=OuterRef("pk"), user=user, **perm))
    ) | Q(
        Exists(
            RecommendationGroupObjectPermission.objects.filter(
                content_object=OuterRef("pk"), group__user=user, **perm
            )
        )
    )


def visible_status_updates(user: AnyUser, recommendation: Recommendation) -> QuerySet[StatusUpdate]:
    updates = recommendation.status_updates.all()
    if can_see_internal_notes(user, recommendation):
        return updates
    return updates.visible_to_council()


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


def get_situation_for_user(user: AnyUser, pk) -> Situation:
    return _get_or_404(visible_situations(user), pk)


def get_recommendation_for_user(user: AnyUser, pk) -> Recommendation:
    return _get_or_404(visible_recommendations(user).select_related("situation", "briefing"), pk)


def get_mandate_for_user(user: AnyUser, pk) -> Mandate:
    return _get_or_404(visible_mandates(user).select_related("situation"), pk)


def visible_reports(user: AnyUser) -> QuerySet[ProgressReport]:
    reports = ProgressReport.objects.filter(mandate__in=visible_mandates(user))
    if is_secretariat(user):
        return reports
    # Focal points and Council experts read only what is printed for Council experts.
    return reports.filter(audience=ProgressReport.Audience.COUNCIL)


def get_report_for_user(user: AnyUser, pk) -> ProgressReport:
    return _get_or_404(visible_reports(user).select_related("mandate"), pk)


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
        and visible_situations(user).filter(pk=mandate.situation_id).exists()
    )


# --- write checks ----------------------------------------------------------------------------


def require_secretariat(user: AnyUser) -> None:
    if not is_secretariat(user):
        raise PermissionDenied("Only secretariat staff may do this.")


def require_update_status(user: AnyUser, recommendation: Recommendation) -> None:
    if not can_update_status(user, recommendation):
        raise PermissionDenied("You may not record updates on this recommendation.")
