"""The form for what a member shares with their circles."""

from __future__ import annotations

from django import forms


class SharedProfileForm(forms.Form):
    goals = forms.CharField(
        label="My goals",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you are working towards: a skill, a role, a project. Up to 1000 "
        "characters.",
    )
    can_help_with = forms.CharField(
        label="What I can help others with",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where your peers can lean on you. Up to 1000 characters.",
    )
    share_busy_periods = forms.BooleanField(
        label="Show my busy periods to the circles I am in",
        required=False,
        help_text="Your peers see when you have less room, and can plan around it. The periods "
        "themselves are kept under Busy periods.",
    )
