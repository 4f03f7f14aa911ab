"""Forms of the formation pages' one-button actions (criteria, pair-rule and move forms live in
`circles.forms`)."""

from __future__ import annotations

from django import forms


class FormationPinForm(forms.Form):
    pin = forms.TypedChoiceField(
        choices=[("1", "Pin"), ("0", "Unpin")],
        coerce=lambda value: value == "1",
        required=False,  # missing: "" (unpin)
    )


class FormationPublishForm(forms.Form):
    confirm_moves = forms.BooleanField(required=False)


class FormationButtonForm(forms.Form):
    """A button with no input (form the rest again, discard)."""


class FormationRelaxForm(forms.Form):
    """One of the relaxations offered for a request that could not be formed, by position."""

    choice = forms.IntegerField(min_value=0)
