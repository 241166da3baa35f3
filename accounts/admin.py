from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "first_name", "last_name", "agency", "team", "is_active")
    list_filter = ("agency", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "Agency and team",
            {"fields": ("agency", "team", "managed_teams", "job_title", "phone", "is_demo")},
        ),
    )
