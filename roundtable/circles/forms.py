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
        label="Show meeting feedback without names",
        required=False,
        initial=True,
        help_text="People speak more freely when nobody sees who rated what.",
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
