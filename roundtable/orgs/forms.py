"""Forms for member profiles and weekly availability."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from roundtable.formation.features import split_tags
from roundtable.orgs.models import Member, Role, available_time_zones
from roundtable.orgs.selectors import account_shared_elsewhere
from roundtable.timeslots import WEEKDAY_NAMES, WeeklySlot


def time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz.replace("_", " ")) for tz in sorted(available_time_zones())]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=150)
    job_title = forms.CharField(label="Job role", max_length=120, required=False)
    department = forms.CharField(max_length=120, required=False)
    location = forms.CharField(max_length=120, required=False)
    hire_date = forms.DateField(
        label="Hire date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Used for tenure when circles are formed.",
    )
    years_experience = forms.DecimalField(
        label="Years of experience in the role",
        required=False,
        min_value=0,
        max_value=70,
        decimal_places=1,
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Meeting times are shown in this time zone."
    )
    skills = forms.CharField(
        required=False,
        help_text="Separate with commas or semicolons, e.g. negotiation, Excel, onboarding.",
    )
    approaches = forms.CharField(
        required=False,
        help_text="How you tend to work, e.g. data-driven, relationship-first. Commas between.",
    )

    def clean_hire_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("hire_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The hire date cannot be in the future.")
        return value

    def clean_skills(self) -> list[str]:
        return split_tags(self.cleaned_data.get("skills", ""))

    def clean_approaches(self) -> list[str]:
        return split_tags(self.cleaned_data.get("approaches", ""))

    @staticmethod
    def initial_for(member: Member) -> dict[str, Any]:
        return {
            "full_name": member.user.full_name,
            "job_title": member.job_title,
            "department": member.department,
            "location": member.location,
            "hire_date": member.hire_date,
            "years_experience": member.years_experience,
            "time_zone": member.time_zone,
            "skills": ", ".join(t.name for t in member.skills.all()),
            "approaches": ", ".join(t.name for t in member.approaches.all()),
        }


class AdminMemberForm(ProfileForm):
    """What an organisation admin may change on anyone's profile, besides the profile itself."""

    role = forms.ChoiceField(choices=Role.choices)
    manager = forms.ModelChoiceField(queryset=Member.objects.none(), required=False)
    is_active = forms.BooleanField(
        label="Active member", required=False, help_text="Inactive members cannot sign in here."
    )

    def __init__(self, *args: Any, member: Member, by_self: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager_field = cast(forms.ModelChoiceField, self.fields["manager"])
        manager_field.queryset = (
            Member.objects.filter(organization=member.organization, is_active=True)
            .exclude(pk=member.pk)
            .select_related("user")
        )
        if not by_self and account_shared_elsewhere(member=member):
            name = self.fields["full_name"]
            name.disabled = True
            name.initial = member.user.full_name
            name.help_text = (
                "This person's account is also in another organisation: only they can change "
                "their name, on their own profile page."
            )

    @staticmethod
    def initial_for(member: Member) -> dict[str, Any]:
        initial = ProfileForm.initial_for(member)
        initial.update(role=member.role, manager=member.manager_id, is_active=member.is_active)
        return initial


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(
        choices=[("", "—"), *enumerate(WEEKDAY_NAMES)], coerce=int, required=False
    )
    start_time = forms.TimeField(
        label="From", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label="Until", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, Any]:
        """A row is empty or a whole window; `slot` is the window, checked as the CSV import and
        the command line check theirs (roundtable.timeslots)."""
        data = super().clean() or {}
        filled = [data.get(k) not in (None, "") for k in ("weekday", "start_time", "end_time")]
        if any(filled) and not all(filled):
            raise forms.ValidationError("Give a day, a start and an end, or leave the row empty.")
        if all(filled):
            try:
                data["slot"] = WeeklySlot.from_times(
                    data["weekday"], data["start_time"], data["end_time"]
                )
            except ValueError as exc:
                raise forms.ValidationError("The window must end after it starts.") from exc
        return data


AvailabilityFormSet = forms.formset_factory(AvailabilityForm, extra=2, max_num=40)


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV, at most 2 MB and 5,000 rows. Nothing is saved until you confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class MemberImportConfirmForm(forms.Form):
    """The confirm button of the preview: the digest ties it to the file that was previewed."""

    digest = forms.CharField(max_length=64, required=False)
