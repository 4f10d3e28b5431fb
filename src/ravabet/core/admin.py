"""The administration site for the kernel: organisations, people and roles, and read-only
views of the audit trail, the security log and signed-in sessions.

Sign-in to the admin goes through Ravabet's own sign-in page (lockout, second factor).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ravabet.core import security
from ravabet.core.jalali_admin import JalaliAdminMixin
from ravabet.core.models import (
    AuditEntry,
    Organisation,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
    UserSession,
)


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's sign-in page is Ravabet's own, so lockout and the second factor apply."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target, reverse("core:login"))
    if not request.user.is_staff:
        # Signed in but not an administrator: a sign-in page would only loop back here.
        raise PermissionDenied
    return HttpResponseRedirect(target)


admin.site.login = _admin_login  # type: ignore[method-assign]


class ReadOnlyAdmin(JalaliAdminMixin, admin.ModelAdmin[Any]):
    """A record that is written by the system only: administrators look, nobody edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["indented_name", "kind", "parent", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_fa", "name_en", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    ordering = ["kind", "name_fa"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Organisation]:
        # How deep each unit sits under the governorate (the tree is shallow; three levels
        # of joins tell the depth without loading the whole tree).
        depth = Case(
            When(parent__isnull=True, then=Value(0)),
            When(parent__parent__isnull=True, then=Value(1)),
            When(parent__parent__parent__isnull=True, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).annotate(depth=depth)

    @admin.display(description=_("name"), ordering="name_fa")
    def indented_name(self, obj: Organisation) -> str:
        depth = int(getattr(obj, "depth", 0))
        return f"{'— ' * depth}{obj.name}"


@admin.action(description=_("Disable and sign out"), permissions=["change"])
def disable_and_sign_out(
    modeladmin: UserAdmin, request: HttpRequest, queryset: models.QuerySet[User]
) -> None:
    by: User = request.user  # type: ignore[assignment]
    disabled = 0
    for user in queryset:
        if user.pk == by.pk:
            modeladmin.message_user(
                request, _("You cannot disable your own account."), messages.WARNING
            )
            continue
        if security.disable_user(user, by=by):
            disabled += 1
    message = ngettext(
        "%(count)d account was disabled and signed out.",
        "%(count)d accounts were disabled and signed out.",
        disabled,
    )
    modeladmin.message_user(request, message % {"count": disabled}, messages.SUCCESS)


@admin.register(User)
class UserAdmin(JalaliAdminMixin, DjangoUserAdmin[User]):
    list_display = ["username", "full_name", "organisation", "role_list", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "organisation__kind"]
    search_fields = ["username", "first_name", "last_name", "email", "mobile", "job_title"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    actions = [disable_and_sign_out]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "organisation",
                    "job_title",
                    "mobile",
                    "bale_chat_id",
                    "language",
                )
            },
        ),
        (
            _("Roles and access"),
            {"fields": ("is_active", "groups", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "first_name",
                    "last_name",
                    "email",
                    "organisation",
                    "job_title",
                    "groups",
                ),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label = _("Roles")
            field.help_text = _("What the person does in Ravabet; each role is a group.")
        return field

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        labels = dict(Role.choices)
        return "، ".join(str(labels[g.name]) for g in obj.groups.all() if g.name in labels)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" must sign the person out everywhere, like the action does.
            security.end_sessions(obj)
            security.record(
                SecurityEventKind.USER_DISABLED,
                request=request,
                user=obj,
                detail={"by": request.user.pk},
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "object_label", "actor_label", "ip_address", "organisation"]
    list_filter = ["action", "content_type", "at"]
    search_fields = ["object_label", "object_id", "actor_label", "ip_address", "action"]
    list_select_related = ["organisation"]
    date_hierarchy = "at"


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "ip_address", "path"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "ip_address", "path", "user_agent"]
    date_hierarchy = "at"


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdmin):
    # The session key is a credential: whoever holds it is signed in as that person.
    exclude = ["session_key"]
    readonly_fields = ["created_at"]
    list_display = ["user", "created_at", "ip_address", "user_agent"]
    list_select_related = ["user"]
    search_fields = ["user__username", "ip_address"]
    list_filter = ["created_at"]
