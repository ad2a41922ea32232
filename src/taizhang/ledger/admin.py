"""The Django admin for the office's direct edits until the web pages arrive. Read-mostly:
history and audit rows cannot be changed here."""

from __future__ import annotations

from django.contrib import admin

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


@admin.register(TaskRevision, AuditEvent)
class ReadOnlyAdmin(admin.ModelAdmin[TaskRevision]):
    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
