from django.contrib import admin
from django.urls import include, path

from recommendations.web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("recommendations.api.urls")),
    path("", include("recommendations.urls")),
]
