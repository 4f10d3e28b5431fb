from django.contrib.auth import views as auth_views
from django.urls import path

from ravabet.core.views import (
    account,
    auth,
    dashboard,
    jobs,
    notifications,
    organisations,
    search,
)
from ravabet.core.views.audit_log import audit_log

app_name = "core"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("accounts/login/", auth.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", auth.second_factor, name="second_factor"),
    path("accounts/second-factor/setup/", auth.second_factor_setup, name="second_factor_setup"),
    path("accounts/profile/", account.profile, name="profile"),
    path("accounts/password/", account.password_change, name="password_change"),
    path("accounts/sessions/end-others/", account.end_other_sessions, name="sessions_end_others"),
    path("language/", account.set_language, name="language"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("history/<str:model>/<str:pk>/", organisations.object_history, name="object_history"),
    path("audit/", audit_log, name="audit_log"),
    path("search/", search.search_page, name="search"),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<uuid:pk>/retry/", jobs.job_retry, name="job_retry"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/bell/", notifications.notification_bell, name="notification_bell"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/preferences/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
]
