"""The form to credit a peer. It checks shape only; whether the person is in the circle and
whether the item matches the kind and the person are the service's to say."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.leadership.models import Recognition
from roundtable.leadership.selectors.recognition import LinkableItem

_GROUPS: dict[str, str] = {
    Recognition.Kind.IDEA_ADOPTED: "Adopted ideas",
    Recognition.Kind.COMMITMENT_DELIVERED: "Delivered commitments",
    Recognition.Kind.MEETING_LED: "Meetings held",
    Recognition.Kind.CRITIQUE: "Critiques that weighed in a decision",
}


class RecognitionForm(forms.Form):
    recipient = forms.TypedChoiceField(label="Who", coerce=int)
    kind = forms.ChoiceField(label="For", choices=Recognition.Kind.choices)
    item = forms.CharField(
        label="Which one (optional)",
        required=False,
        help_text="Pick the idea, commitment, meeting or critique it was, if it is listed.",
    )
    message = forms.CharField(
        label="What they did, and why it mattered",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Up to 1000 characters. The circle reads it; so does their manager if they "
        "choose to share it.",
    )

    def __init__(
        self,
        *args: Any,
        people: list[Any],
        items: dict[str, list[LinkableItem]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [  # type: ignore[attr-defined]
            ("", "Choose someone"),
            *[(p.pk, p.name) for p in people],
        ]
        grouped: list[Any] = [("", "None: I will say it in my own words")]
        grouped += [
            (_GROUPS[kind], [(i.ref, i.label) for i in listed])
            for kind, listed in items.items()
            if listed
        ]
        self.fields["item"].widget = forms.Select(choices=grouped)


class ShareForm(forms.Form):
    shared = forms.BooleanField(required=False)
