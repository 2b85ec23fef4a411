"""The permissions of a signed-in person, read once per request in one query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import QuerySet

from recommendations import compiled_sql


class PermissionsBackend(ModelBackend):
    """ModelBackend's permissions (a person's own and their groups'), read by one query, a
    UNION, where ModelBackend reads them by two. Every page asks at least once (the header's
    links: access.is_secretariat), so every signed-in request paid both: 0.5-1.4 ms of CPU
    of a 7-8 ms floor at 100k (issue 14).

    It signs nobody in: listed before ModelBackend, which still checks passwords, so the
    sessions that name ModelBackend stay valid. ModelBackend, asked next when this one says
    no, finds the set cached on the user (``_perm_cache``, the cache of ModelBackend that this
    class, being one, fills) and reads nothing again. Superusers' permissions (every one) are
    ModelBackend's own reading."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache") and not user_obj.is_superuser:
            # Its SQL compiled once a process (compiled_sql): building and compiling the union
            # was ~0.7 ms of CPU of every signed-in request, running it ~0.3 (issue 14).
            rows = compiled_sql.rows(_permission_rows, [user_obj.pk], using=Permission.objects.db)
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return super().get_all_permissions(user_obj, obj)


def _permission_rows(user_id: int) -> QuerySet:
    """(app label, codename) of the permissions of the user ``user_id`` and of their groups:
    the two querysets of ModelBackend._get_user_permissions and _get_group_permissions."""
    groups = f"group__{get_user_model()._meta.get_field('groups').related_query_name()}"
    own = Permission.objects.filter(user=user_id)
    of_groups = Permission.objects.filter(**{groups: user_id})
    return own.values_list("content_type__app_label", "codename").order_by().union(
        of_groups.values_list("content_type__app_label", "codename").order_by(), all=True
    )
