"""/api/v1/: the read-only API, its OpenAPI schema (/api/v1/schema/) and documentation page
(/api/v1/docs/, served from the app's own static files)."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import DefaultRouter

from recommendations.api import views

router = DefaultRouter()
router.include_format_suffixes = False
router.register("situations", views.SituationViewSet, basename="api-situation")
router.register("mandates", views.MandateViewSet, basename="api-mandate")
router.register("briefings", views.BriefingViewSet, basename="api-briefing")
router.register("recommendations", views.RecommendationViewSet, basename="api-recommendation")
router.register("updates", views.StatusUpdateViewSet, basename="api-update")

api_patterns = [
    *router.urls,
    path("renewals/", views.RenewalCalendar.as_view(), name="api-renewals"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
# What Redoc needs beyond the site's Content-Security-Policy, on its page only: its search
# runs in a worker made from a blob: URL, and the bundle adds two <style> elements before
# Redoc is handed the nonce (js/redoc-init.js): an empty one and perfect-scrollbar's rules,
# allowed by their hashes. A new drf-spectacular-sidecar may change the second hash:
# tests/browser/test_csp.py then fails and prints the one to put here.
REDOC_CSP = {
    "worker-src": [SELF, "blob:"],
    "style-src": [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty one
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar
    ],
}
# DRF's views are exempt from LoginRequiredMiddleware (token clients have no session, and
# the API answers 401 itself); the documentation page is for people: sign in first.
urlpatterns = [
    *api_patterns,
    path(
        "docs/",
        csp_update(REDOC_CSP)(login_required(SpectacularRedocView.as_view(url_name="api-schema"))),
        name="api-docs",
    ),
    # Anything else under /api/v1/ (an id that is not a number, a path that does not exist):
    # a JSON 404, as the API's own, not the site's HTML page.
    re_path(r"^.*$", views.not_found),
]
