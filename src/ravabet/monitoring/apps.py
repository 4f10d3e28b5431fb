from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ravabet.monitoring"
    label = "monitoring"
    verbose_name = _("Media monitoring")

    def ready(self) -> None:
        from ravabet.core.context_processors import NavEntry, register_navigation
        from ravabet.monitoring.alert_selectors import ALERT_ROLES
        from ravabet.monitoring.digest_selectors import DIGEST_ROLES
        from ravabet.monitoring.selectors import DESK_ROLES
        from ravabet.monitoring.supervision_selectors import SUPERVISION_ROLES

        register_navigation(
            NavEntry(_("Media monitoring"), "monitoring:story_list", "news", DESK_ROLES)
        )
        register_navigation(
            NavEntry(_("Morning digest"), "monitoring:digest_list", "digest", DIGEST_ROLES)
        )
        register_navigation(
            NavEntry(
                _("Urgent alerts"),
                "monitoring:alert_list",
                "bell",
                DESK_ROLES | frozenset(ALERT_ROLES),
            )
        )
        register_navigation(
            NavEntry(
                _("Agencies' publications"),
                "monitoring:supervision",
                "chart",
                frozenset(SUPERVISION_ROLES),
            )
        )
