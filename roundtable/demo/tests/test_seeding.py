"""The demo organisation: its shape, its sign-ins and the seed_demo command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.circles.models import Circle, CircleMembership
from roundtable.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD, DemoResult, demo_seed
from roundtable.ideas.models import Challenge, CircleIdeaSettings, Critique, Idea, Stage, Trial
from roundtable.ideas.services.notify import idea_url
from roundtable.ideas.services.reasoning import reasoning_check
from roundtable.meetings.history import circle_trend, trend_has_early_dip
from roundtable.meetings.models import Feedback, Meeting, Schedule
from roundtable.notifications.models import Notice
from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Enrolment, Program
from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.common import MemberAvailability, best_common_slot, find_common_slots

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    """The demo, seeded once for the tests that only read it, inside a transaction that is rolled
    back after the module (each test still runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_seed()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded_demo: DemoResult, db: None) -> DemoResult:
    return seeded_demo


def _current(circle: Circle) -> list[Member]:
    return [m.member for m in circle.memberships.filter(left_on__isnull=True)]


def test_the_demo_organisation_has_the_advertised_shape(demo):
    members = Member.objects.filter(organization=demo.organization)
    assert 55 <= members.count() <= 65
    assert members.values("job_title").distinct().count() == 3
    assert members.values("department").distinct().count() == 4
    assert members.values("time_zone").distinct().count() >= 2
    assert members.filter(role="admin").count() == 1
    assert members.filter(role="coordinator").count() == 2
    assert demo.organization.programs.count() == 2
    assert Circle.objects.filter(program__organization=demo.organization).count() == 10
    for circle in demo.circles:
        current = _current(circle)
        assert 4 <= len(current) <= 6, circle
        assert circle.lead in current, circle
        zones = [m.time_zone for m in current]
        assert zones.count(circle.time_zone) >= 2, circle


def test_profiles_vary_in_tenure_experience_and_availability(demo):
    members = list(Member.objects.filter(organization=demo.organization))
    tenures = [m.tenure_years for m in members if m.tenure_years is not None]
    assert min(tenures) < 0.5
    assert max(tenures) > 12
    assert all(0.5 <= m.years_experience <= 25 for m in members if m.years_experience)
    assert any(m.years_experience != round(m.tenure_years or 0, 1) for m in members)
    for member in Member.objects.filter(organization=demo.organization).prefetch_related(
        "availability", "skills", "approaches"
    ):
        assert 3 <= len(member.availability.all()) <= 5  # weekdays with a window
        assert member.skills.all()
        assert member.approaches.all()


def test_managers_have_reports_and_nobody_manages_themself(demo):
    members = Member.objects.filter(organization=demo.organization)
    assert 2 <= members.filter(reports__isnull=False).distinct().count() <= 6
    assert not any(m.manager_id == m.pk for m in members)


def test_some_enrolled_members_wait_for_a_circle_and_one_moved(demo):
    waiting = [
        e
        for e in Enrolment.objects.filter(program__organization=demo.organization)
        if not CircleMembership.objects.filter(
            circle__program=e.program, member=e.member, left_on__isnull=True
        ).exists()
    ]
    assert len(waiting) >= 2
    left = CircleMembership.objects.get(
        circle__program__organization=demo.organization, left_on__isnull=False
    )
    rejoined = CircleMembership.objects.get(
        member=left.member, circle__program=left.circle.program, left_on__isnull=True
    )
    assert rejoined.circle != left.circle
    assert rejoined.joined_on == left.left_on


def test_every_demo_login_signs_in_with_the_demo_password(demo, rf):
    for _, email, _ in DEMO_LOGINS:
        user = authenticate(rf.post("/accounts/login/"), username=email, password=DEMO_PASSWORD)
        assert user is not None
        assert user.email == email


def test_the_demo_organisation_admin_is_an_admin_in_the_app_only(demo, client):
    admin = User.objects.get(email=DEMO_LOGINS[0][1])
    assert demo.people["admin"].user == admin
    assert not admin.is_staff
    assert not admin.is_superuser
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/orgs/organization/").status_code == 302
    # What they did through /admin/ they do in the app, within their organisation.
    member = demo.people["member"]
    assert client.get(f"/members/{member.pk}/edit/").status_code == 200


def test_demo_people_really_hold_their_roles(demo):
    people = demo.people
    assert set(people) == {"admin", "coordinator", "sponsor", "lead", "member"}
    assert people["admin"].role == "admin"
    assert people["coordinator"].role == "coordinator"
    assert people["coordinator"].coordinated_programs.exists()
    training = Program.objects.get(name="Field Engineer Peer Circles")
    assert training.sponsor == people["sponsor"]
    circle = Circle.objects.get(lead=people["lead"])
    assert circle.program == training
    assert people["member"] in _current(circle)


def test_the_same_seed_gives_the_same_people(demo):
    def snapshot() -> list[tuple[str, str, str]]:
        return sorted(
            (m.user.email, str(m.hire_date), str(m.years_experience))
            for m in Member.objects.select_related("user")
        )

    def critique_snapshot() -> list[tuple[str, ...]]:
        return sorted(
            (
                c.idea.circle.name,
                c.author.user.email if c.author else "",
                c.reasoning,
                str(c.created_on),
                str(c.version.number),
            )
            for c in Critique.objects.select_related("idea__circle", "author__user", "version")
        )

    first, critiques = snapshot(), critique_snapshot()
    assert len(first) > 50
    assert len(critiques) > 20
    Program.objects.all().delete()
    Organization.objects.all().delete()
    User.objects.all().delete()
    demo_seed()
    assert snapshot() == first
    assert critique_snapshot() == critiques


def test_seeding_twice_changes_nothing(demo):
    counts = (Member.objects.count(), Circle.objects.count(), CircleMembership.objects.count())
    again = demo_seed()
    assert not again.created
    assert again.organization == demo.organization
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "not loaded" in out.getvalue()
    assert (Member.objects.count(), Circle.objects.count(), CircleMembership.objects.count()) == (
        counts
    )


def test_demo_circles_have_a_lived_in_meeting_history(demo):
    anvil = next(c for c in demo.circles if c.name == "Anvil")
    past = Meeting.objects.filter(circle=anvil, starts_at__lt=timezone.now())
    assert past.count() >= 12
    assert past.filter(status="cancelled").count() == 1
    assert past.exclude(notes="").exists()
    assert Feedback.objects.filter(meeting__circle=anvil).count() > 20
    assert anvil.meetings.filter(starts_at__gte=timezone.now()).count() >= 10
    assert trend_has_early_dip(circle_trend(circle=anvil))
    early = Feedback.objects.filter(meeting__in=list(past.order_by("starts_at")[1:4]))
    later = Feedback.objects.filter(meeting__in=list(past.order_by("starts_at")[8:]))
    assert early.aggregate(a=Avg("rating"))["a"] < later.aggregate(a=Avg("rating"))["a"]


def _availability(circle: Circle) -> list[MemberAvailability]:
    return [
        MemberAvailability(
            member_id=m.pk,
            time_zone=m.time_zone,
            slots=tuple(
                WeeklySlot.from_times(s.weekday, s.start_time, s.end_time)
                for s in m.availability.all()
            ),
        )
        for m in _current(circle)
    ]


def test_most_circles_have_a_weekly_slot_that_suits_everyone_and_meet_at_it(demo):
    """Over the whole program so far and the twelve weeks ahead, daylight-saving changes in
    London, Berlin and New York included."""
    end = timezone.localdate() + dt.timedelta(weeks=12)
    suited = []
    for circle in demo.circles:
        schedule = Schedule.objects.get(circle=circle)
        members = _availability(circle)
        period = {
            "time_zone": circle.time_zone,
            "duration_minutes": schedule.duration_minutes,
            "start_date": circle.program.start_date,
            "end_date": end,
        }
        if best_common_slot(members, **period) is None:
            continue
        (at_their_time,) = find_common_slots(
            members,
            weekdays=[schedule.weekday],
            earliest=schedule.start_time,
            latest=(
                dt.datetime.combine(dt.date.min, schedule.start_time)
                + dt.timedelta(minutes=schedule.duration_minutes)
            ).time(),
            **period,
        )
        assert at_their_time.unavailable == (), (circle, at_their_time.missed)
        suited.append(circle.name)
    assert len(suited) >= 8, suited


def test_the_demo_has_the_advertised_open_critique(demo):
    """A program-wide challenge attacked by three circles, one of them anonymous; a circle's own
    challenge; ideas in every stage, with versions; critiques of every stance that pass the
    reasoning rule, a reply, a hidden one with its reason; a running trial and a finished one."""
    today = timezone.localdate()
    wide = Challenge.objects.get(circle__isnull=True)
    assert wide.program.name == "Renewals Playbook Project"
    assert wide.created_at.date() < today - dt.timedelta(days=30)
    assert set(wide.ideas.values_list("circle__name", flat=True)) == {
        "Harbour",
        "Lantern",
        "Meridian",
    }
    assert Challenge.objects.filter(circle__name="Anvil", posed_by=demo.people["lead"]).exists()

    ideas = Idea.objects.filter(circle__program__organization=demo.organization)
    stages = {stage: ideas.filter(stage=stage).count() for stage in Stage.values}
    assert stages == {
        "proposed": 3,
        "discussing": 2,
        "trial": 1,
        "adopted": 1,
        "set_aside": 1,
    }
    assert ideas.filter(version__gte=2).count() >= 3
    assert all(i.created_on < today for i in ideas)
    assert ideas.filter(author=demo.people["member"]).exists()  # the demo member's own idea

    (anonymous,) = CircleIdeaSettings.objects.filter(anonymous=True)
    assert anonymous.circle.name == "Meridian"
    meridian = Critique.objects.filter(idea__circle=anonymous.circle)
    assert ideas.filter(circle=anonymous.circle).exists()
    assert not ideas.filter(circle=anonymous.circle, author__isnull=False).exists()
    assert meridian.count() >= 4
    assert not meridian.filter(author__isnull=False).exists()
    assert ideas.filter(circle=anonymous.circle, anonymous=True).count() == (
        ideas.filter(circle=anonymous.circle).count()
    )

    critiques = Critique.objects.filter(idea__in=ideas)
    for stance in Critique.Stance.values:
        assert critiques.filter(stance=stance).count() >= 3, stance
    assert critiques.filter(parent__isnull=False).count() >= 3
    assert critiques.exclude(evidence="").count() >= 4
    for critique in critiques:
        reasoning_check(critique.reasoning)  # each would pass the rule the pages apply
    answered_earlier = [
        c
        for c in critiques.select_related("version", "idea")
        if (c.version.number < c.idea.version)
    ]
    assert len(answered_earlier) >= 5
    (hidden,) = critiques.exclude(hidden_reason="")
    assert "personal remark" in hidden.hidden_reason
    assert hidden.hidden_by == hidden.idea.circle.lead
    assert critiques.filter(endorsements__isnull=False).distinct().count() >= 8

    running = Trial.objects.get(idea__stage=Stage.TRIAL)
    assert running.review_on > today
    assert running.result == ""
    finished = Trial.objects.get(idea__stage=Stage.ADOPTED)
    assert finished.review_on < today
    assert finished.result == Trial.Result.MET
    assert "47 lapsed accounts" in finished.outcome
    assert finished.outcome_recorded_on is not None
    assert finished.outcome_recorded_on < today
    assert list(finished.idea.decisions.values_list("to_stage", flat=True)) == [
        "discussing",
        "trial",
        "adopted",
    ]
    # The notices it caused are dated with it: only the last week's are still unread.
    notices = Notice.objects.filter(url__in=[idea_url(i) for i in ideas])
    assert notices.count() > 30
    assert not notices.filter(created_on__gte=today).exists()
    assert notices.filter(read_at__isnull=True).exists()
    week_ago = today - dt.timedelta(days=8)
    assert not notices.filter(read_at__isnull=True, created_on__lt=week_ago).exists()
    hidden_results = ideas.filter(results_revealed=False)
    assert {i.circle.name for i in hidden_results} == {"Meridian", "Anvil"}
    assert all(i.votes.exists() for i in hidden_results)


def test_the_demo_has_the_advertised_commitments(demo):
    """Made in meetings; asked and answered with a date, declined, countered then accepted; done
    on time with a note and done late; renegotiated twice with reasons; overdue; moved out of a
    busy period; waiting on another; serving the running trial; escalated and still in the
    owner's period, in the sponsor's queue, and resolved by the sponsor with an outcome. The
    demo lead and member have something due this week; the history lies in the past."""
    from roundtable.commitments.models import Activity, Commitment, DateChange, Escalation
    from roundtable.commitments.selectors.commitments import due_this_week

    now = timezone.now()
    lead, member, sponsor = (demo.people[k] for k in ("lead", "member", "sponsor"))
    ours = Commitment.objects.filter(circle__program__organization=demo.organization)
    status = Commitment.Status
    assert ours.filter(circle__name="Anvil").count() >= 7
    assert ours.filter(meeting__isnull=False).count() >= 4
    assert all(c.meeting and c.meeting.starts_at < now for c in ours.filter(meeting__isnull=False))
    assert ours.filter(asked_by__isnull=False, status=status.OPEN).count() >= 2
    assert ours.filter(status=status.DECLINED).exclude(answer="").count() == 1
    countered = ours.get(activity__kind=Activity.Kind.ACCEPTED)
    assert countered.status == status.OPEN
    assert countered.answer
    done = [(c, c.done_at or now, c.due_at or now) for c in ours.filter(status=status.DONE)]
    assert any(c.done_note and at <= due for c, at, due in done)
    assert any(at > due for _, at, due in done)  # late
    moved_twice = [c for c in ours if c.date_changes.filter(from_due_at__isnull=False).count() >= 2]
    assert moved_twice
    assert all(ch.reason for ch in moved_twice[0].date_changes.filter(from_due_at__isnull=False))
    assert ours.filter(status=status.OPEN, due_at__lt=now).count() >= 2  # overdue
    assert DateChange.objects.filter(
        commitment__in=ours, busy_period__isnull=False, busy_period__member=lead
    ).exists()
    assert ours.filter(waits_on__isnull=False).exists()
    assert ours.filter(trial__idea__stage=Stage.TRIAL).count() >= 2
    assert {c.title for c in due_this_week(members=[member])}
    assert due_this_week(members=[lead, member])

    escalations = Escalation.objects.filter(commitment__in=ours)
    in_period = escalations.get(resolved_at__isnull=True, owner_period_ends_at__gt=now)
    assert in_period.raised_by == lead
    assert in_period.commitment.circle.name == "Anvil"
    queued = escalations.get(resolved_at__isnull=True, owner_period_ends_at__lte=now)
    assert queued.owner_side
    assert Notice.objects.filter(member=sponsor, key=f"escalation:{queued.pk}:sponsor:{sponsor.pk}")
    resolved = escalations.get(resolved_at__isnull=False)
    assert resolved.resolved_by == sponsor
    assert resolved.resolution
    assert resolved.owner_side
    assert (resolved.resolved_at or now) < now - dt.timedelta(days=7)

    # The history is dated in the past; reminders and nudges due by now were sent then.
    activity = Activity.objects.filter(commitment__in=ours)
    assert activity.filter(at__lt=now - dt.timedelta(days=14)).count() > 10
    assert activity.filter(kind=Activity.Kind.NUDGED).exists()
    assert activity.filter(kind=Activity.Kind.SPONSOR_COMMENT).exists()
