"""The Django admin for the office's direct edits until the web pages arrive. Read-mostly:
history and audit rows cannot be changed here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.audit_details import action_label, audit_details, details_text
from taizhang.ledger.models import AuditEvent, Category, Ledger, Person, Task, TaskRevision, Unit


@admin.register(Ledger)
class LedgerAdmin(admin.ModelAdmin[Ledger]):
    list_display = ("id", "title", "year", "source_name", "imported_at")
    search_fields = ("title",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ("number", "ledger", "status", "deadline", "removed_at")
    list_filter = ("status", "ledger")
    list_select_related = ("ledger",)
    search_fields = ("goal", "progress")

    # Edits go through the web pages and services, which keep versions, revisions and the
    # audit trail; the admin only shows.
    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(Category)
admin.site.register(Person)
admin.site.register(Unit)


class _ReadOnly:
    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(TaskRevision)
class ReadOnlyAdmin(_ReadOnly, admin.ModelAdmin[TaskRevision]):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(_ReadOnly, admin.ModelAdmin[AuditEvent]):
    """The trail as the office's audit log words it: the action by name and, on an event's
    page, its details in words beside the stored JSON."""

    list_display = ("at", "actor", "action_name", "ledger")
    list_select_related = ("actor", "ledger")
    readonly_fields = ("at", "actor", "action", "action_name", "ledger", "details", "data")

    @admin.display(description=_("操作名称"))
    def action_name(self, event: AuditEvent) -> str:
        return action_label(event.action)

    @admin.display(description=_("内容（文字）"))
    def details(self, event: AuditEvent) -> str:
        return details_text(audit_details([event])[0])
