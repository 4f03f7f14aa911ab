"""A circle's schedule (its rhythm), the meetings it produces, and what happens in each meeting:
agenda items, shared notes, attendance and quick feedback."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from roundtable.core.anonymity import random_id, receipt_digest
from roundtable.core.models import TimeStampedModel
from roundtable.timeslots import WEEKDAY_NAMES
from roundtable.timeslots.recurrence import Recurrence


class Schedule(TimeStampedModel):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    class Nth(models.IntegerChoices):
        FIRST = 1, "1st"
        SECOND = 2, "2nd"
        THIRD = 3, "3rd"
        FOURTH = 4, "4th"
        LAST = -1, "last"

    circle = models.OneToOneField(
        "circles.Circle", on_delete=models.CASCADE, related_name="schedule"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(choices=list(enumerate(WEEKDAY_NAMES)))
    nth = models.SmallIntegerField(
        choices=Nth.choices, null=True, blank=True, help_text="Monthly only."
    )
    start_time = models.TimeField(help_text="Wall-clock time in the circle's time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    rrule = models.CharField(max_length=200, help_text="RFC 5545 rule, derived from the above.")
    reminder_lead_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(168)]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=["weekly", "biweekly", "monthly"]),
                name="schedule_frequency_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="schedule_weekday_range"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="schedule_duration_range",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="schedule_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.recurrence().describe()

    def recurrence(self) -> Recurrence:
        return Recurrence(
            frequency=self.frequency,
            weekday=self.weekday,
            start_time=self.start_time,
            time_zone=self.circle.time_zone,
            starts_on=self.starts_on,
            nth=self.nth,
            ends_on=self.ends_on,
        )


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="meetings")
    schedule = models.ForeignKey(
        Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    # The series occurrence this meeting was made for; it stays put when the meeting moves.
    series_start = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    detached = models.BooleanField(
        default=False, help_text="Moved or cancelled one by one: series changes leave it alone."
    )
    change_reason = models.CharField(max_length=300, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE.")
    notes = models.TextField(blank=True, help_text="Shared notes, in Markdown.")
    # Goes up by one at each save of the notes; a save based on an older version is a conflict.
    notes_version = models.PositiveIntegerField(default=0)
    carried_over_at = models.DateTimeField(null=True, blank=True)
    # Who runs this meeting when the circle rotates the role (empty: the circle's lead runs it).
    runner = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                "circle",
                "series_start",
                condition=models.Q(series_start__isnull=False),
                name="meeting_one_per_occurrence",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="meeting_duration_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["scheduled", "cancelled"]),
                name="meeting_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["circle", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.circle} on {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def was_moved(self) -> bool:
        return bool(self.series_start and self.series_start != self.starts_at)


class AgendaItem(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0, help_text="Order on the agenda.")
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    added_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["meeting", "position"])]

    def __str__(self) -> str:
        return self.title


class NotesRevision(models.Model):
    """One save of a meeting's shared notes: what they said, who saved them and when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes_revisions")
    version = models.PositiveIntegerField()
    notes = models.TextField(blank=True)
    author = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint("meeting", "version", name="notes_revision_once_per_version")
        ]

    def __str__(self) -> str:
        return f"Notes v{self.version} of {self.meeting}"


class Attendance(TimeStampedModel):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    reported_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint("meeting", "member", name="attendance_once_per_member"),
            models.CheckConstraint(
                condition=models.Q(status__in=["present", "absent", "excused"]),
                name="attendance_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.status}"


class Feedback(models.Model):
    """A member's quick "how useful was this?" after a meeting. Weak meetings stay on record.

    Feedback given while the circle's feedback was anonymous is stored without its author
    (`member` is null, `anonymous` true) and stays so whatever the circle chooses later; its
    `FeedbackReceipt` stops a second answer. No feedback keeps a time finer than its day (the
    UTC date) nor an insertion order (`random_id`): either would line it up with whoever was
    active at that moment."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey(
        "orgs.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
        help_text="Empty when the feedback was given anonymously.",
    )
    anonymous = models.BooleanField(
        default=False,
        editable=False,
        help_text="The circle's setting when it was given; later changes leave it as it is.",
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    given_on = models.DateField(help_text="The day (UTC) it was given; never a finer time.")

    class Meta:
        ordering = ["given_on", "id"]
        constraints = [
            models.UniqueConstraint(
                "meeting",
                "member",
                condition=models.Q(member__isnull=False),
                name="feedback_once_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"
            ),
            models.CheckConstraint(
                condition=models.Q(anonymous=True, member__isnull=True)
                | models.Q(anonymous=False, member__isnull=False),
                name="feedback_anonymous_has_no_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.meeting}"


class FeedbackReceipt(models.Model):
    """Proof that someone gave anonymous feedback on a meeting, never who: `digest` is
    `receipt_digest(f"meeting-feedback:{meeting.pk}", member.pk)`. No member, no timestamp,
    and a random key rather than a sequence, so neither the rows' times nor their order line a
    receipt up with its feedback (SQLite stores rows in key order; PostgreSQL's physical row
    order and transaction ids are the engine's own and out of reach here)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback_receipts")
    digest = models.CharField(max_length=64, unique=True)

    SCOPE = "meeting-feedback"

    def __str__(self) -> str:
        return f"A feedback receipt for {self.meeting}"

    @classmethod
    def digest_for(cls, *, meeting_id: int, member_id: int) -> str:
        return receipt_digest(f"{cls.SCOPE}:{meeting_id}", member_id)


class CalendarFeed(TimeStampedModel):
    """A member's secret calendar subscription URL. Resetting it makes the old URL stop working."""

    member = models.OneToOneField(
        "orgs.Member", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.member}"


class Rsvp(TimeStampedModel):
    class Response(models.TextChoices):
        YES = "yes", "Yes, I'll be there"
        NO = "no", "No, I can't make it"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="rsvps")
    response = models.CharField(max_length=3, choices=Response.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint("meeting", "member", name="rsvp_once_per_member"),
            models.CheckConstraint(
                condition=models.Q(response__in=["yes", "no"]), name="rsvp_response_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.response}"


class AgendaSection(models.Model):
    """One step of the structure every meeting of a program follows (coordinators edit it)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="agenda_sections"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint("program", "position", name="agenda_section_position_unique")
        ]

    def __str__(self) -> str:
        return self.title


class MeetingRotation(TimeStampedModel):
    """Who runs each of a circle's meetings, when the role rotates: in `order` (member ids, kept
    in line with who is in the circle now: those who left are skipped, newcomers join the end),
    or volunteers first and the next in order for a meeting nobody took `volunteer_days` before
    it. Each meeting's runner is `Meeting.runner`; off, it stays empty and the lead runs it."""

    class Mode(models.TextChoices):
        OFF = "off", "Off: the lead runs every meeting"
        IN_ORDER = "in_order", "In order: each meeting goes to the next person"
        VOLUNTEERS_FIRST = "volunteers_first", "Volunteers first, then the next person in order"

    circle = models.OneToOneField(
        "circles.Circle", on_delete=models.CASCADE, related_name="meeting_rotation"
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OFF)
    order = models.JSONField(default=list, blank=True, help_text="Member ids, in turn order.")
    # Where in `order` the next turn starts (a position, wrapping round).
    next_index = models.PositiveIntegerField(default=0)
    # Coming meetings whose runner volunteered (they are never dealt again).
    volunteered = models.JSONField(default=list, blank=True)
    volunteer_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text="Days before a meeting when, with nobody volunteering, the next in order "
        "takes it.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=["off", "in_order", "volunteers_first"]),
                name="meeting_rotation_mode_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(volunteer_days__gte=1, volunteer_days__lte=14),
                name="meeting_rotation_volunteer_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Rotation of {self.circle}: {self.get_mode_display()}"

    @property
    def is_on(self) -> bool:
        return self.mode != self.Mode.OFF
