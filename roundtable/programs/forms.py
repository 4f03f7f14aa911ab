"""Forms for creating and editing programs and enrolling members."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Program


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = f" — {obj.job_title}" if obj.job_title else ""
        return f"{obj.user.full_name}{title}"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = f" — {obj.job_title}" if obj.job_title else ""
        return f"{obj.user.full_name}{title}"


def _members(organization: Organization) -> Any:
    return (
        Member.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Program.Kind.choices, label="Kind")
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The common problem the circles attack together, in a sentence or two.",
    )
    sponsor = MemberChoiceField(
        queryset=Member.objects.none(),
        help_text="The person ultimately responsible; sees the whole program, read only.",
    )
    coordinators = MemberMultipleChoiceField(
        queryset=Member.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    cadence = forms.ChoiceField(choices=Program.Cadence.choices)
    target_circle_size = forms.IntegerField(min_value=2, max_value=20, initial=5)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    status = forms.ChoiceField(choices=Program.Status.choices)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sponsor", "coordinators"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = _members(organization)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        return data

    @staticmethod
    def initial_for(program: Program) -> dict[str, Any]:
        return {
            "name": program.name,
            "kind": program.kind,
            "purpose": program.purpose,
            "sponsor": program.sponsor_id,
            "coordinators": [m.pk for m in program.coordinators.all()],
            "cadence": program.cadence,
            "target_circle_size": program.target_circle_size,
            "start_date": program.start_date,
            "end_date": program.end_date,
            "status": program.status,
        }


class EnrolForm(forms.Form):
    members = MemberMultipleChoiceField(
        queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enrolled = program.enrolments.filter(withdrawn_on__isnull=True).values("member_id")
        field = cast(forms.ModelChoiceField, self.fields["members"])
        field.queryset = _members(program.organization).exclude(pk__in=enrolled)


class EnrolGroupForm(forms.Form):
    """Everyone not yet enrolled with a job role, in a department, or both."""

    job_title = forms.ChoiceField(label="Job role", required=False)
    department = forms.ChoiceField(required=False)

    def __init__(
        self, *args: Any, job_roles: list[str], departments: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["job_title"]).choices = [
            ("", "Any job role"),
            *((name, name) for name in job_roles),
        ]
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", "Any department"),
            *((name, name) for name in departments),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("job_title") and not data.get("department"):
            raise forms.ValidationError("Choose a job role, a department or both.")
        return data
