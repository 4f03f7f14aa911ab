"""The erasure's confirmation: the admin types the member's name (so that nobody erases the wrong
person by a slip) and says why. Whether they may erase is the service's to say."""

from __future__ import annotations

from typing import Any

from django import forms


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


class ErasureConfirmForm(forms.Form):
    name = forms.CharField(
        label="Type the member's name to confirm",
        max_length=150,
        error_messages={"required": "Type the member's name to confirm."},
    )
    reason = forms.CharField(
        label="Why",
        max_length=300,
        help_text="A few words for the log, such as “The member asked to be erased”. No names: "
        "the log keeps no personal data.",
        error_messages={"required": "Say why, in a few words (no names)."},
    )

    def __init__(self, *args: Any, member_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member_name = member_name
        self.fields["name"].help_text = f"As it shows on this page: {member_name}"
        self.fields["name"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_name(self) -> str:
        typed: str = self.cleaned_data["name"]
        if _folded(typed) != _folded(self.member_name):
            raise forms.ValidationError(
                "That is not the member's name as it shows on this page: nothing was erased."
            )
        return typed
