from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import set_language

from recommendations.people import views as people_views
from recommendations.web.account import (
    api_tokens,
    calendar_feed,
    reset_calendar,
    revoke_token,
    situation_export,
)
from recommendations.web.auth_views import PasswordResetView
from recommendations.web.language_views import account_language
from recommendations.web.reminder_views import reminder_preferences, reminder_preview, reminder_unsubscribe
from recommendations.web.renewal_views import council_calendar, mandate_changes, uptake_review
from recommendations.web.report_views import (
    mandate_report,
    report_download,
    report_generate,
    report_status,
)
from recommendations.web.views import (
    assign_owner,
    confirm_link,
    correct_update,
    dashboard,
    import_note,
    link_paragraph,
    mandate_detail,
    recommendation_detail,
    recommendation_export,
    recommendation_export_xlsx,
    recommendation_list,
    record_update,
    remove_owner,
    set_due_date,
    set_uptake,
    unlink_paragraph,
)

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by email. Django marks these views login_not_required already; said
    # again here so the LoginRequiredMiddleware exemption does not depend on that.
    path(
        "accounts/password-reset/",
        login_not_required(PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        login_not_required(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("", dashboard, name="dashboard"),
    path("recommendations/", recommendation_list, name="recommendation_list"),
    path("recommendations/export.csv", recommendation_export, name="recommendation_export"),
    path("recommendations/export.xlsx", recommendation_export_xlsx, name="recommendation_export_xlsx"),
    path("recommendations/<int:pk>/", recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/updates/", record_update, name="record_update"),
    path("recommendations/<int:pk>/updates/<int:update_pk>/correct/", correct_update, name="correct_update"),
    path("recommendations/<int:pk>/owners/add/", assign_owner, name="assign_owner"),
    path("recommendations/<int:pk>/owners/remove/", remove_owner, name="remove_owner"),
    path("recommendations/<int:pk>/paragraphs/link/", link_paragraph, name="link_paragraph"),
    path("recommendations/<int:pk>/paragraphs/unlink/", unlink_paragraph, name="unlink_paragraph"),
    path("recommendations/<int:pk>/paragraphs/confirm/", confirm_link, name="confirm_link"),
    path("recommendations/<int:pk>/due-date/", set_due_date, name="set_due_date"),
    path("recommendations/<int:pk>/uptake/", set_uptake, name="set_uptake"),
    path("mandates/<int:pk>/", mandate_detail, name="mandate_detail"),
    path("mandates/<int:pk>/changes/", mandate_changes, name="mandate_changes"),
    path("mandates/<int:pk>/uptake/", uptake_review, name="uptake_review"),
    path("calendar/", council_calendar, name="council_calendar"),
    path("import/", import_note, name="import_note"),
    # Ways in from outside (issue 17): tokens, the calendar feed, the situation export.
    path("account/tokens/", api_tokens, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", revoke_token, name="revoke_token"),
    path("account/calendar/", reset_calendar, name="reset_calendar"),
    path("calendar/<str:key>.ics", calendar_feed, name="calendar_feed"),
    path("situations/<int:pk>/export.json", situation_export, name="situation_export"),
    path("people/", people_views.people, name="people"),
    path("people/entities/", people_views.add_entity, name="people_add_entity"),
    path("people/invite/", people_views.invite, name="people_invite"),
    path("people/follow/", people_views.follow, name="people_follow"),
    path("people/unfollow/", people_views.unfollow, name="people_unfollow"),
    # Reports
    path("mandates/<int:pk>/report/", mandate_report, name="mandate_report"),
    path("mandates/<int:pk>/report/generate/", report_generate, name="report_generate"),
    path("reports/<int:pk>/status.json", report_status, name="report_status"),
    path("reports/<int:pk>/download/", report_download, name="report_download"),
    # Reminders
    path("account/reminders/", reminder_preferences, name="reminder_preferences"),
    path("account/reminders/unsubscribe/<str:token>/", reminder_unsubscribe, name="reminder_unsubscribe"),
    path("reminders/preview/", reminder_preview, name="reminder_preview"),
    # Language (issue 16): the person's own choice, and the header's switch for the session.
    path("account/language/", account_language, name="account_language"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
