"""Forms for commitments and busy periods. They check shape only; the rules (a date to come, who
may change what, no cycle) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.commitments.times import DEFAULT_DUE_TIME

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _due_fields(required: bool = True) -> dict[str, forms.Field]:
    return {
        "due_on": forms.DateField(
            label="By when", required=required, widget=DATE, help_text="A day you choose."
        ),
        "due_time": forms.TimeField(
            label="At", required=False, widget=TIME, initial=DEFAULT_DUE_TIME,
            help_text="Your time zone's time (17:00 if left empty).",
        ),
    }  # fmt: skip


class CommitmentForm(forms.Form):
    """Ask someone in the circle, or take it on yourself (then with your own date)."""

    owner = forms.TypedChoiceField(label="Who", coerce=int)
    title = forms.CharField(label="What", max_length=200)
    details = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(
        label="By when (only when it is you)",
        required=False,
        widget=DATE,
        help_text="Someone you ask chooses their own date.",
    )
    due_time = _due_fields()["due_time"]
    trial = forms.TypedChoiceField(
        label="For the trial of", coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, people: list[Any], me: Any, trials: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.pk, "Me" if me is not None and p.pk == me.pk else p.name) for p in people]
        self.fields["owner"].choices = choices  # type: ignore[attr-defined]
        if trials:
            self.fields["trial"].choices = [("", "None"), *[  # type: ignore[attr-defined]
                (t.pk, f"{t.idea} (review {t.review_on:%d %b})") for t in trials
            ]]  # fmt: skip
        else:
            del self.fields["trial"]


class MeetingCommitmentForm(forms.Form):
    """The meeting page's one line: who, what, and a date only when it is for yourself."""

    owner = forms.TypedChoiceField(label="Who", coerce=int)
    title = forms.CharField(label="What", max_length=200)
    due_on = forms.DateField(label="By when (yours only)", required=False, widget=DATE)

    def __init__(self, *args: Any, people: list[Any], me: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (p.pk, "Me" if me is not None and p.pk == me.pk else p.name) for p in people
        ]


class DateForm(forms.Form):
    due_on = _due_fields()["due_on"]
    due_time = _due_fields()["due_time"]


class MoveForm(DateForm):
    reason = forms.CharField(
        label="Why", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The people waiting on it see this.",
    )  # fmt: skip


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CounterForm(forms.Form):
    proposal = forms.CharField(
        label="What you propose instead, and why",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label="By when (if you can say)", required=False, widget=DATE)
    due_time = _due_fields()["due_time"]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DoneForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    link = forms.URLField(
        label="Link (optional)", max_length=500, required=False, assume_scheme="https"
    )


class WaitOnForm(forms.Form):
    on = forms.TypedChoiceField(label="Waits on", coerce=int)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].choices = [  # type: ignore[attr-defined]
            (c.pk, f"{c.title} ({c.owner.name})") for c in candidates
        ]


class BusyPeriodForm(forms.Form):
    label = forms.CharField(
        label="What keeps you busy", max_length=120, help_text="A product launch, a holiday."
    )
    starts_on = forms.DateField(label="From", widget=DATE)
    ends_on = forms.DateField(label="To (included)", widget=DATE)


class BusyMoveForm(forms.Form):
    to_on = forms.DateField(label="Move them to", widget=DATE)
