"""Forms for schedules, moving and cancelling meetings, agenda (and a program's meeting
structure), notes, attendance, feedback and replies, and who runs each meeting (the rotation)."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.meetings.models import Attendance, MeetingRotation, Rsvp, Schedule
from roundtable.timeslots import WEEKDAY_NAMES


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(choices=Schedule.Frequency.choices)
    weekday = forms.TypedChoiceField(coerce=int, choices=list(enumerate(WEEKDAY_NAMES)))
    nth = forms.TypedChoiceField(
        label="Which one in the month",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *Schedule.Nth.choices],
        help_text="Monthly only, e.g. the 2nd Tuesday.",
    )
    start_time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=15, max_value=480)
    starts_on = forms.DateField(
        label="First meeting on or after",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label="Last meeting on or before",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reminder_lead_hours = forms.IntegerField(
        label="Reminder before each meeting (hours)", min_value=1, max_value=168, initial=24
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("frequency") == "monthly" and not data.get("nth"):
            self.add_error("nth", "Choose which weekday of the month, e.g. the 2nd.")
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The last date cannot be before the first.")
        return data


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="New date and time (circle's time zone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=15, max_value=480)
    reason = forms.CharField(max_length=300, help_text="Members see this with the change.")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Members see this with the cancellation.")


class RestoreForm(forms.Form):
    reason = forms.CharField(
        max_length=300, required=False, help_text="Optional; members see it with the notice."
    )


class SuggestedSlotForm(forms.Form):
    """A suggested time picked on the schedule page (query string): its weekday and time."""

    weekday = forms.TypedChoiceField(coerce=int, choices=list(enumerate(WEEKDAY_NAMES)))
    start_time = forms.TimeField(input_formats=["%H:%M"])


class AgendaItemForm(forms.Form):
    """Adding an item, and editing one (with a prefix per item, so ids stay unique)."""

    title = forms.CharField(max_length=200, label="Add an agenda item")
    details = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Details (optional)"
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["title"].label = "Title"


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class NotesForm(forms.Form):
    notes = forms.CharField(
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: **bold**, *italic*, lists with -, links.",
        error_messages={
            "max_length": "Notes are limited to 50,000 characters (these have "
            "%(show_value)s); nothing was lost below."
        },
    )
    # The version the editor started from: a save from an older one is a conflict, not a loss.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=Attendance.Status.choices, widget=forms.RadioSelect)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How useful was this meeting?",
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
        help_text="1 = not useful, 5 = very useful. A weak meeting is normal early on.",
        error_messages={
            "required": "Choose a rating from 1 to 5.",
            "invalid_choice": "Choose a rating from 1 to 5.",
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": "Keep the comment to 2,000 characters (it has %(show_value)s)."
        },
    )


class RsvpForm(forms.Form):
    response = forms.ChoiceField(choices=Rsvp.Response.choices)


class AgendaTemplateForm(forms.Form):
    text = forms.CharField(
        label="Steps of every meeting",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One step per line, as “Title: what happens”. Circles see it on each meeting.",
    )


class RotationForm(forms.Form):
    mode = forms.ChoiceField(
        label="Who runs each meeting",
        choices=MeetingRotation.Mode.choices,
        widget=forms.RadioSelect,
    )
    volunteer_days = forms.IntegerField(
        label="Volunteers first: days before a meeting when the next in order takes it",
        min_value=1,
        max_value=14,
        initial=3,
        help_text="Earlier still if the reminder goes out before then, so it names who runs it.",
    )


class RotationMoveForm(forms.Form):
    member = forms.IntegerField(min_value=1)
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class RunnerForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("volunteer", "I'll run this one"), ("step_back", "Step back")]
    )
    back_to = forms.ChoiceField(
        choices=[("meeting", "The meeting"), ("rotation", "The rotation")], required=False
    )
