from django.urls import path, register_converter

from ravabet.monitoring.converters import JalaliDayConverter
from ravabet.monitoring.views import alerts, sources, statistics, stories, supervision, watchlists
from ravabet.monitoring.views import digest as digest_views

app_name = "monitoring"
register_converter(JalaliDayConverter, "jday")

urlpatterns = [
    path("", stories.story_list, name="story_list"),
    path("stories/<int:pk>/", stories.story_detail, name="story_detail"),
    path("stories/<int:pk>/triage/", stories.story_triage, name="story_triage"),
    path("stories/<int:pk>/urgent/", stories.story_urgent, name="story_urgent"),
    path("sources/", sources.source_list, name="source_list"),
    path("sources/new/", sources.source_create, name="source_create"),
    path("sources/import/", sources.source_import, name="source_import"),
    path("sources/<int:pk>/", sources.source_detail, name="source_detail"),
    path("sources/<int:pk>/edit/", sources.source_edit, name="source_edit"),
    path("sources/<int:pk>/toggle/", sources.source_toggle, name="source_toggle"),
    path("watch-lists/", watchlists.watchlist_list, name="watchlist_list"),
    path("watch-lists/new/", watchlists.watchlist_create, name="watchlist_create"),
    path("watch-lists/<int:pk>/edit/", watchlists.watchlist_edit, name="watchlist_edit"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
]

urlpatterns += [
    path("digest/", digest_views.digest_list, name="digest_list"),
    path("digest/prepare/", digest_views.digest_prepare, name="digest_prepare"),
    path("digest/<jday:day>/", digest_views.digest_detail, name="digest_detail"),
    path("digest/<jday:day>/pdf/", digest_views.digest_pdf, name="digest_pdf"),
    path("digest/<jday:day>/edit/", digest_views.digest_edit, name="digest_edit"),
    path("digest/<jday:day>/compile/", digest_views.digest_compile, name="digest_compile"),
    path(
        "digest/<jday:day>/introduction/",
        digest_views.digest_introduction,
        name="digest_introduction",
    ),
    path("digest/<jday:day>/approve/", digest_views.digest_approve, name="digest_approve"),
    path("digest/<jday:day>/reopen/", digest_views.digest_reopen, name="digest_reopen"),
    path("digest/<jday:day>/send/", digest_views.digest_send, name="digest_send"),
    path(
        "digest/entries/<int:pk>/move/",
        digest_views.digest_entry_move,
        name="digest_entry_move",
    ),
    path(
        "digest/entries/<int:pk>/edit/",
        digest_views.digest_entry_edit,
        name="digest_entry_edit",
    ),
    path(
        "digest/entries/<int:pk>/remove/",
        digest_views.digest_entry_remove,
        name="digest_entry_remove",
    ),
]

urlpatterns += [
    path("statistics/", statistics.statistics, name="statistics"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("supervision/export/", supervision.supervision_export, name="supervision_export"),
]
