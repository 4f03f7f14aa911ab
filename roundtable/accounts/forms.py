"""Forms for sign-in related pages and invitations."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from roundtable.accounts.lockout import email_normalise
from roundtable.orgs.models import Role


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        # The account and the lockout see one spelling of the address (see lockout.py).
        return email_normalise(self.cleaned_data["username"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(label="Name (optional)", max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args: object, can_invite_admins: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not can_invite_admins:
            role = cast(forms.ChoiceField, self.fields["role"])
            role.choices = [c for c in Role.choices if c[0] != Role.ADMIN]


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not only digits, not a common password.",
    )
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="What will use it, e.g. “HR sync script”."
    )
