"""Notification rows: every email the app sends (meeting reminders, change notices, wrap-ups,
invitations, password resets) is a row with when it is due and when it was sent, claimed by one
worker at a time so it goes out once; and each member's choice of what to receive."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from roundtable.core.models import TimeStampedModel

MEETING_KINDS = ("reminder", "change", "wrapup")


class Notification(TimeStampedModel):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "Meeting reminder"
        CHANGE = "change", "Meeting moved or cancelled"
        WRAPUP = "wrapup", "Wrap-up for the lead"
        INVITATION = "invitation", "Invitation"
        PASSWORD_RESET = "password_reset", "Password reset"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Meeting emails name the meeting and the member; an invitation its invitation; a password
    # reset the account (the check constraint below keeps each kind to its shape).
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    invitation = models.ForeignKey(
        "accounts.Invitation",
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # The meeting's SEQUENCE this notice is about: one change notice per change.
    meeting_sequence = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                "kind", "meeting", "member", "meeting_sequence", name="notification_once"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=MEETING_KINDS, meeting__isnull=False, member__isnull=False
                )
                | models.Q(kind="invitation", invitation__isnull=False)
                | models.Q(kind="password_reset", user__isnull=False),
                name="notification_kind_shape",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="notification_due",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.INVITATION:
            return f"Invitation to {self.invitation.email if self.invitation else '?'}"
        if self.kind == self.Kind.PASSWORD_RESET:
            return f"Password reset for {self.user}"
        return f"{self.get_kind_display()} to {self.member} for {self.meeting}"


class NotificationPreference(TimeStampedModel):
    member = models.OneToOneField(
        "orgs.Member", on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminders = models.BooleanField(default=True, help_text="A reminder before each meeting.")
    changes = models.BooleanField(default=True, help_text="When a meeting moves or is cancelled.")
    wrapups = models.BooleanField(
        default=True, help_text="After a meeting you lead: attendance and notes."
    )

    def __str__(self) -> str:
        return f"Email choices of {self.member}"
