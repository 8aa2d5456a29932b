"""Backup code sets in the Django admin: an administrator can see that a user has one and delete it
(e.g. after a lost phone), never the codes (only their hashes are stored, and not shown)."""

from django.contrib import admin

from mfa.models import BackupCodeDevice


@admin.register(BackupCodeDevice)
class BackupCodeDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "codes_left", "last_used_at")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="codes left")
    def codes_left(self, obj):
        return obj.codes.count()
