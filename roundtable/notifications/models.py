"""Notification rows: every email the app sends (meeting reminders, change notices, wrap-ups,
invitations, password resets, the daily digest of notices) is a row with when it is due and when
it was sent, claimed by one worker at a time so it goes out once; each member's choice of what to
receive; and the in-app notices other apps send a member."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from roundtable.core.anonymity import random_id
from roundtable.core.models import TimeStampedModel

MEETING_KINDS = ("reminder", "change", "wrapup")
# Emails about an object of an app above this one (a commitment): the row names it generically
# (content type and id), and that app renders the email (registry.py).
SUBJECT_KINDS = ("commitment_reminder", "commitment_nudge")


class Notification(TimeStampedModel):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "Meeting reminder"
        CHANGE = "change", "Meeting moved or cancelled"
        WRAPUP = "wrapup", "Wrap-up for the lead"
        INVITATION = "invitation", "Invitation"
        PASSWORD_RESET = "password_reset", "Password reset"
        DIGEST = "digest", "Daily digest of notices"
        COMMITMENT_REMINDER = "commitment_reminder", "Reminder before a commitment is due"
        COMMITMENT_NUDGE = "commitment_nudge", "Nudge the day after a commitment was due"
        COMMITMENT_WEEKLY = "commitment_weekly", "Weekly email of commitments due and overdue"
        HEALTH_WEEKLY = "health_weekly", "Weekly email of circles flagged at risk"

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
    # A digest: the member's local day it is for (one a day; it lists the notices that carry
    # this day as their digested_on). The weekly commitments email: its Monday.
    digest_on = models.DateField(null=True, blank=True)
    # An email about an object of a higher app (SUBJECT_KINDS), and the object's due moment it
    # was planned for: a new date is a new email, the one for the old date no longer applies.
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_due_at = models.DateTimeField(null=True, blank=True)
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
                | models.Q(kind="password_reset", user__isnull=False)
                | models.Q(kind="digest", member__isnull=False, digest_on__isnull=False)
                | models.Q(
                    kind__in=SUBJECT_KINDS,
                    member__isnull=False,
                    subject_type__isnull=False,
                    subject_id__isnull=False,
                    subject_due_at__isnull=False,
                )
                | models.Q(kind="commitment_weekly", member__isnull=False, digest_on__isnull=False)
                | models.Q(kind="health_weekly", member__isnull=False, digest_on__isnull=False),
                name="notification_kind_shape",
            ),
            # Only an email about a subject names one (a meeting reminder cannot carry one).
            models.CheckConstraint(
                condition=models.Q(kind__in=SUBJECT_KINDS)
                | models.Q(
                    subject_type__isnull=True, subject_id__isnull=True, subject_due_at__isnull=True
                ),
                name="notification_subject_only_for_subject_kinds",
            ),
            models.UniqueConstraint(
                "member",
                "digest_on",
                condition=models.Q(kind="digest"),
                name="notification_digest_once_a_day",
            ),
            # One reminder and one nudge per person, subject and due date.
            models.UniqueConstraint(
                "kind",
                "member",
                "subject_type",
                "subject_id",
                "subject_due_at",
                condition=models.Q(kind__in=SUBJECT_KINDS),
                name="notification_subject_once",
            ),
            models.UniqueConstraint(
                "member",
                "digest_on",
                condition=models.Q(kind="commitment_weekly"),
                name="notification_weekly_once_a_week",
            ),
            models.UniqueConstraint(
                "member",
                "digest_on",
                condition=models.Q(kind="health_weekly"),
                name="notification_health_weekly_once_a_week",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="notification_due",
                condition=models.Q(sent_at__isnull=True),
            ),
            models.Index(
                fields=["subject_type", "subject_id"],
                name="notification_subject",
                condition=models.Q(subject_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.INVITATION:
            return f"Invitation to {self.invitation.email if self.invitation else '?'}"
        if self.kind == self.Kind.PASSWORD_RESET:
            return f"Password reset for {self.user}"
        if self.kind == self.Kind.DIGEST:
            return f"Digest to {self.member} for {self.digest_on}"
        if self.kind == self.Kind.COMMITMENT_WEEKLY:
            return f"Weekly commitments email to {self.member} for {self.digest_on}"
        if self.kind == self.Kind.HEALTH_WEEKLY:
            return f"Weekly at-risk email to {self.member} for {self.digest_on}"
        if self.kind in SUBJECT_KINDS:
            return f"{self.get_kind_display()} to {self.member} (#{self.subject_id})"
        return f"{self.get_kind_display()} to {self.member} for {self.meeting}"


class CommitmentEmails(models.TextChoices):
    EACH = "each", "Each reminder and nudge as it comes"
    WEEKLY = "weekly", "One email on Monday morning: what is due this week and what is overdue"


class NotificationPreference(TimeStampedModel):
    member = models.OneToOneField(
        "orgs.Member", on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminders = models.BooleanField(default=True, help_text="A reminder before each meeting.")
    changes = models.BooleanField(default=True, help_text="When a meeting moves or is cancelled.")
    wrapups = models.BooleanField(
        default=True, help_text="After a meeting you lead: attendance and notes."
    )
    commitments = models.CharField(
        max_length=10,
        choices=CommitmentEmails.choices,
        default=CommitmentEmails.EACH,
        help_text="Reminders and nudges about your commitments: each, or one weekly email.",
    )
    health_digest = models.BooleanField(
        default=True,
        help_text="For coordinators and sponsors: a Monday email of the circles flagged at risk.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commitments__in=CommitmentEmails.values),
                name="notification_preference_commitments_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Email choices of {self.member}"


# --- In-app notices ---------------------------------------------------------------------------


class NoticeKind(models.TextChoices):
    """What a notice is about. Apps add their kinds here (with a line in NOTICE_KIND_HELP and a
    migration): the member's choice per kind lives in NoticePreference."""

    IDEA_CRITIQUED = "idea_critiqued", "Your idea was critiqued"
    IDEA_REVISED = "idea_revised", "An idea you critiqued was revised"
    IDEA_DECIDED = "idea_decided", "A decision on an idea you took part in"
    TRIAL_REVIEW_DUE = "trial_review_due", "A trial is due for review"
    CONTRIBUTION_HIDDEN = "contribution_hidden", "Your contribution was hidden"
    COMMITMENT_ASKED = "commitment_asked", "Someone asked you for a commitment"
    COMMITMENT_ANSWERED = "commitment_answered", "An answer to something you asked for"
    COMMITMENT_MOVED = "commitment_moved", "A commitment you wait on changed"
    COMMITMENT_ESCALATED = "commitment_escalated", "An escalation you are part of"
    LEAD_WELCOME = "lead_welcome", "You became a circle's lead"
    MISSION_CHANGED = "mission_changed", "Your circle's mission: lines proposed or a new version"
    REFLECTION_DUE = "reflection_due", "Time to revisit your reflections as a lead"
    SUPPORT_REVIEW_DUE = "support_review_due", "A support plan is due for review"
    AGREEMENT_CHANGED = "agreement_changed", "Your circle's working agreement changed"
    AGREEMENT_AMENDMENT = "agreement_amendment", "An amendment to your circle's agreement"
    AGREEMENT_REVISIT_DUE = "agreement_revisit_due", "Time to revisit the working agreement"
    RECOGNISED = "recognised", "A peer recognised your contribution"
    MEETING_RUNNER = "meeting_runner", "You run your circle's next meeting"
    PULSE_OPEN = "pulse_open", "Your circle's pulse check is open"


NOTICE_KIND_HELP: dict[str, str] = {
    NoticeKind.IDEA_CRITIQUED: "Someone added a strength, concern, question or alternative to "
    "an idea you proposed.",
    NoticeKind.IDEA_REVISED: "The author of an idea you critiqued wrote a new version.",
    NoticeKind.IDEA_DECIDED: "An idea you proposed or critiqued was adopted, trialled, parked "
    "or dropped.",
    NoticeKind.TRIAL_REVIEW_DUE: "A trial you run or follow has reached its review date.",
    NoticeKind.CONTRIBUTION_HIDDEN: "A lead hid something you wrote under your name, and why.",
    NoticeKind.COMMITMENT_ASKED: "A lead or a peer asks when you can have something done.",
    NoticeKind.COMMITMENT_ANSWERED: "The person you asked chose a date, declined or proposed "
    "something different.",
    NoticeKind.COMMITMENT_MOVED: "A commitment you wait on got a new date, was done or was "
    "dropped.",
    NoticeKind.COMMITMENT_ESCALATED: "A commitment of yours was taken to the sponsor (you see it "
    "first and can add your side), or an escalation reached or left you.",
    NoticeKind.LEAD_WELCOME: "You now lead a circle: a short introduction to leading peers.",
    NoticeKind.MISSION_CHANGED: "Someone proposed a line for your circle's mission, or the lead "
    "assembled a new version for you to acknowledge.",
    NoticeKind.REFLECTION_DUE: "The reminder you chose to look again at the leader you want to "
    "be, your goals and the outcomes you want (only you see your reflections).",
    NoticeKind.SUPPORT_REVIEW_DUE: "A support plan you wrote has reached its review date (the "
    "notice names no one; the plan is yours alone).",
    NoticeKind.AGREEMENT_CHANGED: "Your circle's working agreement has a new version to "
    "acknowledge.",
    NoticeKind.AGREEMENT_AMENDMENT: "A member proposed a change to your circle's agreement, or "
    "a change you proposed was accepted or declined.",
    NoticeKind.AGREEMENT_REVISIT_DUE: "Your circle's working agreement is due for its revisit.",
    NoticeKind.RECOGNISED: "A peer credited something you did for the circle.",
    NoticeKind.MEETING_RUNNER: "You are down to run your circle's next meeting.",
    NoticeKind.PULSE_OPEN: "A new period of your circle's pulse check has begun: five quick, "
    "anonymous questions about how the circle works together.",
}


class NoticeDelivery(models.TextChoices):
    DIGEST = "digest", "In the app and in the daily email"
    APP = "app", "In the app only"
    OFF = "off", "Off"


class Notice(models.Model):
    """One thing a member is told about in the app (and, unless they chose otherwise, in the next
    morning's digest email). A notice caused by an anonymous contribution keeps only its day
    (`created_at` empty) and, like every notice, a random key: neither a time nor an insertion
    order can line it up with who wrote the contribution."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=40, choices=NoticeKind.choices)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500, help_text="A link within the site, starting with /.")
    # One event, one notice: a caller that may repeat itself names the event here.
    key = models.CharField(max_length=100, blank=True)
    created_on = models.DateField()
    created_at = models.DateTimeField(null=True, blank=True)  # empty: an anonymous source
    read_at = models.DateTimeField(null=True, blank=True)
    digested_on = models.DateField(null=True, blank=True)

    class Meta:
        # Within a day, notices with a time come first, newest first; then those without one.
        ordering = [
            "-created_on",
            models.F("created_at").desc(nulls_last=True),
            "-id",
        ]
        constraints = [
            models.UniqueConstraint(
                "member",
                "kind",
                "key",
                condition=~models.Q(key=""),
                name="notice_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_on"], name="notice_inbox"),
            models.Index(
                fields=["member"],
                name="notice_pending",
                condition=models.Q(read_at__isnull=True, digested_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.member}: {self.title}"


class NoticePreference(models.Model):
    """A member's choice for one kind of notice; no row means the default, in the app and in the
    daily digest."""

    member = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=40, choices=NoticeKind.choices)
    delivery = models.CharField(max_length=10, choices=NoticeDelivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint("member", "kind", name="notice_preference_once"),
            models.CheckConstraint(
                condition=models.Q(delivery__in=NoticeDelivery.values),
                name="notice_preference_delivery_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.kind} {self.delivery}"
