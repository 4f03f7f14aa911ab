"""Forms for the lead's private toolkit: reflections, their cadence, peer notes and support
plans. The services hold the rules; these only parse."""

from __future__ import annotations

from django import forms

from roundtable.leadership.models import SupportPlan
from roundtable.leadership.services.reflections import ANSWER_LIMIT, MAX_WEEKS

QUESTIONS = {
    "leader": "What kind of leader do you want to be?",
    "goals": "What are your goals?",
    "outcomes": "What outcomes do you want for the circle?",
}


def _area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReflectionForm(forms.Form):
    leader = forms.CharField(
        label=QUESTIONS["leader"], required=False, max_length=ANSWER_LIMIT, widget=_area()
    )
    goals = forms.CharField(
        label=QUESTIONS["goals"], required=False, max_length=ANSWER_LIMIT, widget=_area()
    )
    outcomes = forms.CharField(
        label=QUESTIONS["outcomes"], required=False, max_length=ANSWER_LIMIT, widget=_area()
    )


class ReflectionCadenceForm(forms.Form):
    every_weeks = forms.IntegerField(
        label="Remind me to revisit every … weeks",
        min_value=0,
        max_value=MAX_WEEKS,
        help_text="0: no reminder.",
    )


class PeerNoteForm(forms.Form):
    goals = forms.CharField(
        label="Their goals", required=False, widget=_area(3),
        help_text="A promotion, a skill they want to build.",
    )  # fmt: skip
    needs = forms.CharField(label="Their needs and wants", required=False, widget=_area(3))
    load = forms.CharField(
        label="Their current load and other deadlines", required=False, widget=_area(3)
    )
    support = forms.CharField(
        label="How they like to be supported", required=False, widget=_area(3)
    )


class SupportPlanForm(forms.Form):
    approach = forms.ChoiceField(label="Approach", choices=SupportPlan.Approach.choices)
    next_step = forms.CharField(label="Next step", widget=_area(3))
    review_on = forms.DateField(
        label="Review on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
