from django.contrib import admin

from roundtable.programs.models import Enrolment, Program


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status", "cadence", "start_date", "end_date"]
    list_filter = ["status", "cadence", "organization"]
    search_fields = ["name"]
    raw_id_fields = ["sponsor"]
    filter_horizontal = ["coordinators"]
    inlines = [EnrolmentInline]
