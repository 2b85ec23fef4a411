from django.contrib.auth import views as auth_views
from django.urls import path

from recommendations import report_views, views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Reports
    path("mandates/<int:pk>/report/", report_views.mandate_report, name="mandate_report"),
    path("mandates/<int:pk>/report/generate/", report_views.report_generate, name="report_generate"),
    path("reports/<int:pk>/status.json", report_views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
]
