"""The pulse's forms: a member's answer (five statements on a 1-5 scale and an optional comment)
and a program's schedule. They check shape only; whether the person may answer, whether the
pulse runs and whether they already answered are the service's to say."""

from __future__ import annotations

from django import forms

from roundtable.insights.models import PULSE_STATEMENTS, PulseSchedule
from roundtable.insights.services.pulses import COMMENT_MAX_CHARS

# The scale, with each point named: a number alone means different things to different people.
SCALE: tuple[tuple[int, str], ...] = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither"),
    (4, "Agree"),
    (5, "Strongly agree"),
)


def _statement(key: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=dict(PULSE_STATEMENTS)[key],
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose from 1 to 5 for this statement."},
    )


class PulseAnswerForm(forms.Form):
    trust = _statement("trust")
    clarity = _statement("clarity")
    participation = _statement("participation")
    usefulness = _statement("usefulness")
    progress = _statement("progress")
    comment = forms.CharField(
        label="Anything you want to add? (optional)",
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {COMMENT_MAX_CHARS:,} characters. Shown with the period's results, "
        "among the others' comments, without your name. Leave out what would tell who you are.",
    )

    def statements(self) -> list[forms.BoundField]:
        return [self[key] for key, _ in PULSE_STATEMENTS]

    def answers(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _ in PULSE_STATEMENTS}


class PulseScheduleForm(forms.Form):
    active = forms.BooleanField(
        label="Run the pulse check in this program",
        required=False,
        help_text="Members of every circle are asked five quick statements each period.",
    )
    every_weeks = forms.TypedChoiceField(
        label="How often a new period opens",
        choices=PulseSchedule.Cadence.choices,
        coerce=int,
        initial=PulseSchedule.Cadence.MONTHLY,
        help_text="Periods start on a Monday. A new cadence starts its first period this week; "
        "answers already given stay with their period.",
    )
