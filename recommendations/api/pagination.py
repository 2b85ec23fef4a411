"""Cursor pagination: stable pages however the data changes between two requests, and no
COUNT over ten thousand rows. Each view names its ordering (``cursor_ordering``): a unique
or nearly unique field, as cursors need."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", None) or ("pk",)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
