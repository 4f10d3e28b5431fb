from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ravabet.core"
    label = "core"
    verbose_name = _("Ravabet core")

    def ready(self) -> None:
        from ravabet.core import audit, roles, security  # noqa: F401 (receivers)

        audit.register_all()

        from ravabet.core.search import indexing

        # Every declared model's rows are reindexed by a job enqueued with each save/delete,
        # in the same transaction, so the index follows the database even across crashes.
        indexing.connect_signals()

        # Like Django's own permissions, role groups are kept in step with the code after
        # every migrate; they are reference data, not domain state.
        post_migrate.connect(roles.ensure_role_groups, sender=self)
