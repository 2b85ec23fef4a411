"""The permissions of a signed-in person, read once per request in one query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


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
            # The two querysets of ModelBackend._get_user_permissions and _get_group_permissions.
            groups = f"group__{get_user_model()._meta.get_field('groups').related_query_name()}"
            own = Permission.objects.filter(user=user_obj)
            of_groups = Permission.objects.filter(**{groups: user_obj})
            rows = own.values_list("content_type__app_label", "codename").order_by().union(
                of_groups.values_list("content_type__app_label", "codename").order_by(), all=True
            )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return super().get_all_permissions(user_obj, obj)
