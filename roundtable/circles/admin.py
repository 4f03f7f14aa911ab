from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from roundtable.circles.models import Circle, CircleMembership
from roundtable.circles.services import circle_update


class MembershipInline(admin.TabularInline):
    model = CircleMembership
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "lead", "time_zone", "feedback_anonymous"]
    list_filter = ["program"]
    search_fields = ["name"]
    raw_id_fields = ["lead"]
    readonly_fields = ["feedback_setting_changed_on"]
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Circle, form: ModelForm, change: bool) -> None:
        """A change of the feedback setting goes through the service, which dates it so the
        circle is told; feedback already given keeps the setting it was given under."""
        if not (change and "feedback_anonymous" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        chosen = obj.feedback_anonymous
        obj.feedback_anonymous = form.initial["feedback_anonymous"]
        super().save_model(request, obj, form, change)
        circle_update(circle=obj, feedback_anonymous=chosen)
