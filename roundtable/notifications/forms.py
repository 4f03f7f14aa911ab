"""The form a member chooses which emails they receive with, and how they get each kind of
notice (shown on their profile)."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.notifications.models import (
    NOTICE_KIND_HELP,
    CommitmentEmails,
    NoticeDelivery,
    NoticeKind,
)

EMAIL_FIELDS = ("reminders", "changes", "wrapups")


def _notice_field(kind: str) -> str:
    return f"notice_{kind}"


class PreferencesForm(forms.Form):
    reminders = forms.BooleanField(required=False, label="A reminder before each meeting")
    changes = forms.BooleanField(required=False, label="When a meeting moves or is cancelled")
    wrapups = forms.BooleanField(
        required=False, label="After a meeting I lead: a nudge for attendance and notes"
    )
    # Left out of a post, it keeps its setting.
    commitments = forms.ChoiceField(
        choices=CommitmentEmails.choices,
        required=False,
        label="Reminders and nudges about my commitments",
        help_text="A reminder the day before each is due and a nudge the day after if still "
        "open, each with one-click links; or all of it in one email on Monday at 08:00 your time.",
    )
    health_digest = forms.BooleanField(
        required=False,
        label="A Monday email of the circles flagged at risk",
        help_text="For the programs you coordinate or sponsor, at 08:00 your time; only in a week "
        "when a circle is flagged.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One choice per kind of notice; a kind left out of a post keeps its setting.
        for kind, label in NoticeKind.choices:
            self.fields[_notice_field(kind)] = forms.ChoiceField(
                choices=NoticeDelivery.choices,
                required=False,
                label=label,
                help_text=NOTICE_KIND_HELP.get(kind, ""),
            )

    def email_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in EMAIL_FIELDS]

    def notice_fields(self) -> list[forms.BoundField]:
        return [self[_notice_field(kind)] for kind in NoticeKind.values]

    def email_choices(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in EMAIL_FIELDS}

    def commitment_emails(self) -> str | None:
        return self.cleaned_data.get("commitments") or None

    def health_digest_choice(self) -> bool:
        return bool(self.cleaned_data.get("health_digest"))

    def notice_deliveries(self) -> dict[str, str]:
        chosen = {kind: self.cleaned_data.get(_notice_field(kind)) for kind in NoticeKind.values}
        return {kind: delivery for kind, delivery in chosen.items() if delivery}
