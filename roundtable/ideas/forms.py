"""Forms for challenges, ideas, critiques, hiding and the circle's settings. They check shape
only; the rules (what counts as a reason, who may write) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.ideas.models import Critique
from roundtable.ideas.services.reasoning import HINT


class ChallengeForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), help_text="The problem."
    )
    context = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Numbers, links, what has been tried.",
    )


class ChallengeCloseForm(forms.Form):
    summary = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Where it landed: what was tried, what was learnt. Everyone sees it.",
    )


class IdeaForm(forms.Form):
    summary = forms.CharField(max_length=200, help_text="The tactic, in one line.")
    how = forms.CharField(
        label="How it would work", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    effect = forms.CharField(
        label="The effect expected", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, circles: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if circles is not None and len(circles) > 1:
            # Someone in several circles of a program chooses which one proposes it.
            self.fields["circle"] = forms.TypedChoiceField(
                label="For which circle",
                coerce=int,
                choices=[(c.pk, c.name) for c in circles],
            )
            self.order_fields(["circle", "summary", "how", "effect"])


class CritiqueForm(forms.Form):
    """A critique (with a stance) or, with `reply=True`, a reply to one (without)."""

    stance = forms.ChoiceField(
        choices=Critique.Stance.choices, widget=forms.RadioSelect, initial="concern"
    )
    reasoning = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=HINT.replace("Give a reason: ", "Your reason: "),
    )
    evidence = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: a link, data, or an experience.",
    )

    def __init__(self, *args: Any, reply: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reply:
            del self.fields["stance"]
            del self.fields["evidence"]
            self.fields["reasoning"].label = "Your reply"


class HideForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        help_text="Shown in its place to everyone, e.g. “A personal remark about a colleague”.",
    )


class IdeaSettingsForm(forms.Form):
    guideline = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown above every form where people write ideas and critiques.",
    )
    anonymous = forms.BooleanField(
        required=False,
        label="Ideas and critiques are anonymous",
        help_text="Applies to what is written from now on: what was anonymous stays so, what "
        "carries a name keeps it.",
    )
