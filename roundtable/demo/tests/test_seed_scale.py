"""The scale organisation, built small (200 members, 40 circles): its proportions, rows that pass
the models' validation and the database's constraints, anonymous rows that stay anonymous, every
at-risk flag somewhere, and the command's refusal and --replace."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.circles.models import Circle, CircleMembership
from roundtable.commitments.models import Activity, Commitment, DateChange, Escalation
from roundtable.demo.scale import (
    AT_RISK,
    SCALE_ORG_SLUG,
    CircleKind,
    ScaleResult,
    ScaleSize,
    scale_seed,
)
from roundtable.ideas.models import Challenge, Critique, Decision, Idea, IdeaVersion, Trial
from roundtable.insights.models import PulseAnswer, PulseReceipt, PulseSchedule
from roundtable.insights.selectors.flags import FlagCode, circle_flags
from roundtable.meetings.models import Attendance, Feedback, FeedbackReceipt, Meeting, Schedule
from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Enrolment, Program

pytestmark = pytest.mark.django_db

SIZE = ScaleSize(members=200, circles=40)

# Which flag each at-risk kind of circle must raise.
KIND_FLAGS = {
    CircleKind.MISSED: FlagCode.MISSED_MEETINGS,
    CircleKind.FALLING: FlagCode.ATTENDANCE_FALLING,
    CircleKind.SILENT: FlagCode.NO_PULSE_ANSWERS,
    CircleKind.LEADERLESS: FlagCode.NO_LEAD,
    CircleKind.UNSCHEDULED: FlagCode.NO_SCHEDULE,
    CircleKind.ENDED: FlagCode.NO_SCHEDULE,
    CircleKind.OVERDUE: FlagCode.OVERDUE_COMMITMENTS,
}


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[ScaleResult]:
    """Seeded once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = scale_seed(size=SIZE, seed=3)
        assert result is not None
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def scale(seeded: ScaleResult, db: None) -> ScaleResult:
    return seeded


def _circles(org: Organization) -> models.QuerySet[Circle]:
    return Circle.objects.filter(program__organization=org)


def test_the_organisation_has_the_asked_size_and_shape(scale):
    org = scale.organization
    assert Member.objects.filter(organization=org).count() == 200
    assert _circles(org).count() == 40
    programs = list(Program.objects.filter(organization=org).prefetch_related("coordinators"))
    assert len(programs) == 2
    chief = Member.objects.get(user__email="coordinator@scale.example")
    sponsors = set()
    for program in programs:
        coordinators = set(program.coordinators.all())
        assert chief in coordinators
        assert len(coordinators) == 2  # and one of its own
        sponsors.add(program.sponsor_id)
        assert program.circles.count() == 20
    assert len(sponsors) == 2
    lead = Member.objects.get(user__email="lead@scale.example")
    member = Member.objects.get(user__email="member@scale.example")
    first = lead.led_circles.get()
    assert first.memberships.filter(member=member, left_on__isnull=True).exists()
    assert User.objects.filter(email__endswith="@scale.example").count() == 200


def test_the_rows_come_in_the_proportions_of_the_full_size(scale):
    org = scale.organization
    circles = _circles(org)
    meetings = Meeting.objects.filter(circle__in=circles)
    held = meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__lt=timezone.now())
    scheduled = circles.filter(schedule__isnull=False)
    per_circle = meetings.count() / scheduled.count()
    # At full size: 2,000 circles, 200,000 meetings, 1,000,000 attendance rows.
    assert 80 <= per_circle <= 115
    attendance = Attendance.objects.filter(meeting__circle__in=circles).count()
    assert 4.5 <= attendance / held.count() <= 7.5
    assert 0.85 <= held.count() / meetings.filter(starts_at__lt=timezone.now()).count() < 1
    assert meetings.filter(starts_at__gt=timezone.now()).exists()  # the horizon ahead
    assert 5 <= Idea.objects.filter(circle__in=circles).count() / 40 <= 11
    assert Critique.objects.filter(idea__circle__in=circles).count() > 2 * 40 * 5
    assert Trial.objects.filter(idea__circle__in=circles, result="met").exists()
    assert Trial.objects.filter(idea__circle__in=circles, result="").exists()
    commitments = Commitment.objects.filter(circle__in=circles)
    assert commitments.count() >= 30 * 30
    assert set(commitments.values_list("status", flat=True)) >= {
        "open", "done", "dropped", "requested", "declined",
    }  # fmt: skip
    overdue = commitments.filter(status="open", due_at__lt=timezone.now())
    assert overdue.count() >= 6
    assert Escalation.objects.filter(commitment__circle__in=circles).exists()
    assert PulseSchedule.objects.filter(program__organization=org).count() == 2
    answers = PulseAnswer.objects.filter(circle__in=circles)
    assert answers.count() > 40 * 6
    assert Feedback.objects.filter(meeting__circle__in=circles).count() > held.count() / 2


def test_every_at_risk_kind_raises_its_flag_and_healthy_circles_mostly_none(scale):
    circles = list(_circles(scale.organization).order_by("pk"))
    kinds = _kinds_by_circle(scale, circles)
    flags = circle_flags([c.pk for c in circles], today=timezone.localdate())
    raised = {code for found in flags.values() for code in (f.code for f in found)}
    assert raised == set(FlagCode)
    for circle in circles:
        kind = kinds[circle.pk]
        codes = {f.code for f in flags.get(circle.pk, [])}
        if kind in KIND_FLAGS:
            assert KIND_FLAGS[kind] in codes, (circle, kind, codes)
    healthy = [c for c in circles if kinds[c.pk] in {CircleKind.HEALTHY, CircleKind.STORMING}]
    flagged = [c for c in healthy if c.pk in flags]
    assert len(flagged) <= len(healthy) // 4, [flags[c.pk] for c in flagged]


def _kinds_by_circle(scale: ScaleResult, circles: list[Circle]) -> dict[int, CircleKind]:
    # Every kind occurs; each program's first circle is healthy, then one of each at-risk kind.
    found = {circle.pk: scale.circle_kinds[circle.pk] for circle in circles}
    assert Counter(found.values()) == Counter(scale.circle_kinds.values())
    for kind in CircleKind:
        assert Counter(found.values())[kind] >= 2, kind
    for program in {c.program_id for c in circles}:
        firsts = [found[c.pk] for c in circles if c.program_id == program][: len(AT_RISK) + 2]
        assert firsts == [CircleKind.HEALTHY, *AT_RISK, CircleKind.STORMING]
    return found


MODELS: tuple[type[models.Model], ...] = (
    User, Member, Program, Enrolment, Circle, CircleMembership, Schedule, Meeting, Attendance,
    Feedback, FeedbackReceipt, Challenge, Idea, IdeaVersion, Critique, Decision, Trial,
    Commitment, DateChange, Escalation, Activity, PulseSchedule, PulseAnswer, PulseReceipt,
)  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_rows_pass_the_models_validation(scale, model):
    rows = list(model._default_manager.order_by("?")[:40])
    assert rows, model
    for row in rows:
        row.full_clean()


def test_the_database_finds_no_broken_reference_and_sequences_go_on(scale):
    # Foreign keys are checked at commit; the module's transaction never commits, so ask now.
    connection.check_constraints()
    circle = _circles(scale.organization).filter(schedule__isnull=False).first()
    assert circle is not None
    # New rows get ids past the seeded ones (PostgreSQL's sequences were moved on).
    seeded_top = Meeting.objects.aggregate(top=models.Max("pk"))["top"]
    meeting = Meeting.objects.create(circle=circle, starts_at=timezone.now())
    assert meeting.pk > seeded_top
    owner = circle.memberships.filter(left_on__isnull=True).first()
    assert owner is not None
    commitment = Commitment.objects.create(
        circle=circle, owner=owner.member, title="Book the room", due_at=timezone.now()
    )
    assert not Activity.objects.filter(commitment_id=commitment.pk).exists()


def test_schedules_say_what_their_meetings_do(scale):
    for schedule in Schedule.objects.filter(circle__program__organization=scale.organization):
        assert schedule.rrule == schedule.recurrence().rrule
        starts = list(
            schedule.meetings.filter(detached=False).values_list("starts_at", flat=True)[:3]
        )
        local = [
            s.astimezone(dt.UTC).astimezone(ZoneInfo(schedule.circle.time_zone)) for s in starts
        ]
        assert {s.weekday() for s in local} == {schedule.weekday}
        assert {s.time() for s in local} == {schedule.start_time}


def test_attendance_only_for_people_in_the_circle_that_day(scale):
    spans = defaultdict(list)
    for m in CircleMembership.objects.filter(circle__program__organization=scale.organization):
        spans[(m.circle_id, m.member_id)].append((m.joined_on, m.left_on))
    rows = Attendance.objects.filter(
        meeting__circle__program__organization=scale.organization
    ).values_list("meeting__circle_id", "member_id", "meeting__starts_at")
    for circle_id, member_id, starts_at in rows.iterator():
        day = starts_at.date()
        assert any(
            joined - dt.timedelta(days=1) <= day
            and (left is None or day <= left + dt.timedelta(days=1))
            for joined, left in spans[(circle_id, member_id)]
        ), (circle_id, member_id, day)


def test_anonymous_answers_carry_no_member_and_receipts_match_people_of_the_circle(scale):
    org = scale.organization
    members_of: dict[int, set[int]] = defaultdict(set)
    for circle_id, member_id in CircleMembership.objects.filter(
        circle__program__organization=org
    ).values_list("circle_id", "member_id"):
        members_of[circle_id].add(member_id)
    anonymous = Feedback.objects.filter(meeting__circle__program__organization=org, anonymous=True)
    assert anonymous.exists()
    assert not anonymous.filter(member__isnull=False).exists()
    per_meeting = Counter(anonymous.values_list("meeting_id", flat=True))
    receipts = FeedbackReceipt.objects.filter(meeting__circle__program__organization=org)
    assert Counter(receipts.values_list("meeting_id", flat=True)) == per_meeting
    for receipt in receipts.select_related("meeting")[:200]:
        assert any(
            receipt.digest
            == FeedbackReceipt.digest_for(meeting_id=receipt.meeting_id, member_id=member)
            for member in members_of[receipt.meeting.circle_id]
        )
    answers = Counter(
        PulseAnswer.objects.filter(circle__program__organization=org).values_list(
            "circle_id", "period_start"
        )
    )
    pulse_receipts = PulseReceipt.objects.filter(circle__program__organization=org)
    assert Counter(pulse_receipts.values_list("circle_id", "period_start")) == answers
    for pulse_receipt in pulse_receipts[:200]:
        assert any(
            pulse_receipt.digest
            == PulseReceipt.digest_for(
                circle_id=pulse_receipt.circle_id,
                period_start=pulse_receipt.period_start,
                member_id=member,
            )
            for member in members_of[pulse_receipt.circle_id]
        )
    # Named feedback (the circles that chose names) keeps its author, once per meeting.
    named = Feedback.objects.filter(meeting__circle__program__organization=org, anonymous=False)
    assert named.exists()
    assert not named.values("meeting_id", "member_id").annotate(n=Count("pk")).filter(n__gt=1)


def test_a_second_seed_changes_nothing_and_replace_builds_it_again(scale):
    out = StringIO()
    before = Meeting.objects.count()
    call_command("seed_scale", "--members", "200", "--circles", "40", stdout=out)
    assert "already exists: nothing changed" in out.getvalue()
    assert Meeting.objects.count() == before
    assert Organization.objects.filter(slug=SCALE_ORG_SLUG).count() == 1

    out = StringIO()
    call_command(
        "seed_scale", "--members", "200", "--circles", "40", "--seed", "3", "--replace", stdout=out
    )
    text = out.getvalue()
    assert "remove the old organisation" in text
    assert "schedules, meetings and attendance" in text  # a time for each stage
    new = Organization.objects.get(slug=SCALE_ORG_SLUG)
    assert new.pk != scale.organization.pk
    assert Meeting.objects.count() == before  # the same seed builds the same organisation
    assert User.objects.filter(email__endswith="@scale.example").count() == 200
    assert not Circle.objects.filter(program__organization_id=scale.organization.pk).exists()
    # The old commitments' activity stays (append-only) and no new commitment took their ids.
    old_ids = set(Activity.objects.values_list("commitment_id", flat=True)) - set(
        Commitment.objects.values_list("pk", flat=True)
    )
    assert old_ids
    new_ids = set(
        Commitment.objects.filter(circle__program__organization=new).values_list("pk", flat=True)
    )
    assert new_ids
    assert not old_ids & new_ids


def test_the_command_refuses_sizes_it_cannot_build(scale):
    before = Meeting.objects.count()
    with pytest.raises(CommandError, match="--members: at least"):
        call_command("seed_scale", "--members", "50", "--circles", "40", "--replace")
    with pytest.raises(CommandError, match="--circles: at least"):
        call_command("seed_scale", "--circles", "10", "--replace")
    assert Organization.objects.get(slug=SCALE_ORG_SLUG) == scale.organization
    assert Meeting.objects.count() == before
