from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Ravabet administration")
admin.site.site_title = _("Ravabet")
admin.site.index_title = _("Administration")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("ravabet.core.urls")),
    path("monitoring/", include("ravabet.monitoring.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
