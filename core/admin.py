from django.contrib import admin

from core.models import Agency, Area, AuditEvent, Council, NeedLevel, Site, Team

for model in (Council, Area, Site, Agency, Team, NeedLevel):
    admin.site.register(model)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail can be searched but never changed from the app."""

    list_display = ("at", "actor", "action", "record_type", "record_id", "via")
    list_filter = ("action", "record_type", "via")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
