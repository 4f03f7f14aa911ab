from django.contrib import admin

from roundtable.circles.models import Circle, CircleMembership


class MembershipInline(admin.TabularInline):
    model = CircleMembership
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "lead", "time_zone"]
    list_filter = ["program"]
    search_fields = ["name"]
    raw_id_fields = ["lead"]
    inlines = [MembershipInline]
