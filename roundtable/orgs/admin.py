from django.contrib import admin

from roundtable.orgs.models import AvailabilitySlot, Member, Organization, Tag


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


class AvailabilityInline(admin.TabularInline):
    model = AvailabilitySlot
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "role", "job_title", "department", "is_active"]
    list_filter = ["organization", "role", "department", "is_active"]
    search_fields = ["user__full_name", "user__email"]
    raw_id_fields = ["user", "manager"]
    filter_horizontal = ["skills", "approaches"]
    inlines = [AvailabilityInline]
    list_select_related = ["user", "organization"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["name"]
