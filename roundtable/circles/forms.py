"""Forms for circles and their membership."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from roundtable.circles.models import Circle
from roundtable.orgs.forms import time_zone_choices
from roundtable.orgs.models import Member
from roundtable.programs.forms import MemberChoiceField, MemberMultipleChoiceField
from roundtable.programs.models import Program


class CircleForm(forms.Form):
    name = forms.CharField(max_length=120)
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="The circle meets at wall-clock times in this zone."
    )
    feedback_anonymous = forms.BooleanField(
        label="Meeting feedback is anonymous",
        required=False,
        initial=True,
        help_text="People speak more freely when nobody, the lead included, can see who rated "
        "what. A change applies only to feedback given afterwards: feedback given anonymously "
        "stays anonymous, and feedback given with names keeps them.",
    )


class CircleCreateForm(CircleForm):
    members = MemberMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Enrolled members not yet in a circle are listed first.",
    )
    lead = MemberChoiceField(queryset=Member.objects.none(), required=False)

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            Member.objects.filter(organization=program.organization, is_active=True)
            .select_related("user")
            .order_by("user__full_name")
        )
        for name in ("members", "lead"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = people


class CircleAddMemberForm(forms.Form):
    member = MemberChoiceField(queryset=Member.objects.none(), label="Add a member")

    def __init__(self, *args: Any, circle: Circle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = circle.memberships.filter(left_on__isnull=True).values("member_id")
        field = cast(forms.ModelChoiceField, self.fields["member"])
        field.queryset = (
            Member.objects.filter(organization=circle.program.organization_id, is_active=True)
            .exclude(pk__in=current)
            .select_related("user")
            .order_by("user__full_name")
        )


class CircleLeadForm(forms.Form):
    lead = MemberChoiceField(queryset=Member.objects.none(), required=False, label="Lead")

    def __init__(self, *args: Any, circle: Circle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["lead"])
        field.queryset = Member.objects.filter(
            circle_memberships__circle=circle, circle_memberships__left_on__isnull=True
        ).select_related("user")


class FormationForm(forms.Form):
    """Criteria and weights for forming circles (0 leaves a criterion out)."""

    size_min = forms.IntegerField(label="Smallest circle", min_value=2, max_value=20)
    size_max = forms.IntegerField(label="Largest circle", min_value=2, max_value=20)
    same_role = forms.BooleanField(
        label="Same job role only",
        required=False,
        help_text="Form circles within each job role, as peer-to-peer training programs do.",
    )
    use_availability = forms.BooleanField(
        label="Everyone in a circle shares a weekly slot",
        required=False,
        help_text="Uses each member's weekly availability, read in their own time zone.",
    )
    meeting_minutes = forms.TypedChoiceField(
        label="Meeting length",
        coerce=int,
        choices=[(30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1½ hours")],
    )
    managers_apart = forms.BooleanField(
        label="Keep managers and their direct reports apart", required=False
    )
    rebalance = forms.BooleanField(
        label="Re-balance the current circles too",
        required=False,
        help_text="Off: people already in circles stay where they are. On: the engine may "
        "move them; you will see and confirm every move before anything changes.",
    )

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.name}"] = forms.FloatField(
                label=criterion.label,
                min_value=0,
                max_value=10,
                help_text=criterion.help,
                widget=forms.NumberInput(attrs={"step": "0.5"}),
            )

    def weight_fields(self) -> list[Any]:
        return [self[f"weight_{c.name}"] for c in self.criteria]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("size_min"), data.get("size_max")
        if low is not None and high is not None and low > high:
            self.add_error("size_max", "The largest circle cannot be smaller than the smallest.")
        weights = [data.get(f"weight_{c.name}") for c in self.criteria]
        if all(w is not None for w in weights) and not any(weights):
            raise forms.ValidationError("Choose at least one criterion to mix on (weight > 0).")
        return data

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "weights": {c.name: data[f"weight_{c.name}"] for c in self.criteria},
            **{
                key: data[key]
                for key in (
                    "size_min",
                    "size_max",
                    "same_role",
                    "use_availability",
                    "meeting_minutes",
                    "managers_apart",
                    "rebalance",
                )
            },
        }


class PairRuleForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("apart", "Keep apart"), ("together", "Keep together")], label="Rule"
    )
    first = MemberChoiceField(queryset=Member.objects.none(), label="Person")
    second = MemberChoiceField(queryset=Member.objects.none(), label="and")
    note = forms.CharField(
        max_length=200, required=False, help_text="Why, for the other coordinators (optional)."
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            Member.objects.filter(
                enrolments__program=program, enrolments__withdrawn_on__isnull=True
            )
            .select_related("user")
            .order_by("user__full_name")
        )
        cast(forms.ModelChoiceField, self.fields["first"]).queryset = people
        cast(forms.ModelChoiceField, self.fields["second"]).queryset = people


class FormationMoveForm(forms.Form):
    member = forms.IntegerField()
    circle = forms.CharField(max_length=40)
