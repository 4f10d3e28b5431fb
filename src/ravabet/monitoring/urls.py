from django.urls import path

from ravabet.monitoring.views import alerts, sources, statistics, stories, supervision, watchlists

app_name = "monitoring"

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
    path("statistics/", statistics.statistics, name="statistics"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("supervision/export/", supervision.supervision_export, name="supervision_export"),
]
