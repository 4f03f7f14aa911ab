"""Forms of the mindset part of the toolkit: proposing a line, assembling a version,
acknowledging one, moving through the lead's introduction. The services check the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from roundtable.leadership.models import MissionLine
from roundtable.leadership.services.mission import LINE_MAX, MISSION_MAX


class MissionLineForm(forms.Form):
    text = forms.CharField(
        label="Your line",
        max_length=LINE_MAX,
        strip=True,
        help_text=f"One line of what this circle is here to do together (up to {LINE_MAX} "
        "characters).",
        error_messages={
            "required": "Write the line you propose for the mission.",
            "max_length": f"Keep a line to {LINE_MAX} characters.",
        },
    )


class MissionAssembleForm(forms.Form):
    lines = forms.MultipleChoiceField(
        label="Lines to put together",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label="The mission",
        required=False,
        max_length=MISSION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Edit the chosen lines into one text. Left empty, the chosen lines are used "
        "as they are, one per line.",
        error_messages={"max_length": f"Keep the mission to {MISSION_MAX} characters."},
    )
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, lines: list[MissionLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_objects = {line.pk: line for line in lines}
        lines_field = cast(forms.MultipleChoiceField, self.fields["lines"])
        lines_field.choices = [
            (line.pk, f"{line.text} ({line.author.name if line.author else 'someone who left'})")
            for line in lines
        ]

    def chosen_lines(self) -> list[MissionLine]:
        return [self.line_objects[int(pk)] for pk in self.cleaned_data["lines"]]


class MissionAcknowledgeForm(forms.Form):
    number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    back_to_circle = forms.BooleanField(required=False, widget=forms.HiddenInput)


class OnboardingMoveForm(forms.Form):
    screen = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
