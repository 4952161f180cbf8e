from django.contrib import admin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "course", "issued_on", "expires_on"]
    list_filter = ["issued_on", "expires_on"]
    search_fields = ["title", "issuer", "user__email", "credential_id"]
    raw_id_fields = ["user", "course"]
