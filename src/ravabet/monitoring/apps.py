from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ravabet.monitoring"
    label = "monitoring"
    verbose_name = _("Media monitoring")

    def ready(self) -> None:
        from ravabet.core.context_processors import NavEntry, register_navigation
        from ravabet.core.notify.preferences import OwnKind, register_own_kind
        from ravabet.monitoring.alert_selectors import ALERT_KIND, ALERT_ROLES
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
        register_own_kind(
            OwnKind(
                kind=ALERT_KIND,
                label=_("Urgent news alerts reach me by"),
                help_text=_(
                    "The fastest one ticked that has your address on file comes first; if you "
                    "do not open the alert in time, the next one follows. With none ticked, "
                    "urgent alerts appear only under the bell."
                ),
                applies_to=lambda user: any(role in user.roles for role in ALERT_ROLES),
            )
        )
