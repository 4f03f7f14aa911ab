"""The form a member chooses which emails they receive with (shown on their profile)."""

from __future__ import annotations

from django import forms


class PreferencesForm(forms.Form):
    reminders = forms.BooleanField(required=False, label="A reminder before each meeting")
    changes = forms.BooleanField(required=False, label="When a meeting moves or is cancelled")
    wrapups = forms.BooleanField(
        required=False, label="After a meeting I lead: a nudge for attendance and notes"
    )
