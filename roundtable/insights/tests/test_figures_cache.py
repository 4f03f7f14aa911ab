"""The figures cache (core/freshness.py): on the scale organisation built small, every figure the
dashboard, the home page's overview, the flags and a circle's health page show is the same from
the cache as computed directly, before and after every kind of change made through the
services; a write that skips them leaves the cache stale (so the comparison can fail), and a new
day computes afresh."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member, circle_remove_member, circle_set_lead
from roundtable.commitments.models import Commitment
from roundtable.commitments.services.commitments import commitment_done, commitment_drop
from roundtable.commitments.services.escalations import escalation_raise
from roundtable.core import freshness
from roundtable.core.errors import DomainError
from roundtable.demo.scale import CircleKind, ScaleResult, ScaleSize, scale_seed
from roundtable.ideas.models import Idea
from roundtable.ideas.services.ideas import idea_withdraw
from roundtable.insights.models import PULSE_FIELDS
from roundtable.insights.selectors import dashboard
from roundtable.insights.selectors.dashboard import program_dashboard, programs_overview
from roundtable.insights.selectors.flags import program_flags
from roundtable.insights.selectors.health import circle_health
from roundtable.insights.services.pulses import pulse_answer, pulse_schedule_set
from roundtable.meetings.models import Attendance, FeedbackReceipt, Meeting
from roundtable.meetings.services.attendance import attendance_record
from roundtable.meetings.services.changes import meeting_cancel
from roundtable.meetings.services.feedback import feedback_give
from roundtable.meetings.services.schedules import schedule_set
from roundtable.orgs.models import Member
from roundtable.programs.models import Program
from roundtable.programs.services import program_update

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 3, 10, tzinfo=dt.UTC)  # a Wednesday
TODAY = NOW.date()
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[ScaleResult]:
    """Seeded once for the module (two programs of 20 circles), rolled back at the end; the
    clock stays at NOW for every test."""
    with (
        time_machine.travel(NOW, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        result = scale_seed(size=ScaleSize(members=200, circles=40), seed=5, now=NOW)
        assert result is not None
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def scale(seeded: ScaleResult, db: None, settings: Any) -> ScaleResult:
    """The figures cache on, empty, for this test alone."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "figures-cache-test",
        }
    }
    caches["default"].clear()
    return seeded


def _programs(scale: ScaleResult) -> list[Program]:
    return list(Program.objects.filter(organization=scale.organization).order_by("pk"))


def _circle(scale: ScaleResult, kind: CircleKind, program: Program | None = None) -> Circle:
    ids = [pk for pk, k in scale.circle_kinds.items() if k == kind]
    circles = Circle.objects.filter(pk__in=ids).order_by("pk")
    if program is not None:
        circles = circles.filter(program=program)
    found = circles.select_related("program").first()
    assert found is not None
    return found


def shown(scale: ScaleResult, circle: Circle) -> dict[str, Any]:
    """Everything the three pages show, as plain values: the first program's dashboard (rows,
    trend, flags chart), the overview of both programs, their flags, and `circle`'s health."""
    programs = _programs(scale)
    dashboard = program_dashboard(programs[0], today=TODAY, sort="name")
    overview = programs_overview(programs, today=TODAY)
    circle = Circle.objects.get(pk=circle.pk)
    return {
        "rows": [
            (
                r.circle.pk,
                r.circle.name,
                r.circle.lead_id,
                r.members,
                r.scheduled,
                r.held,
                r.present,
                r.recorded,
                r.usefulness,
                r.ratings,
                r.pulse,
                r.open_commitments,
                r.overdue,
                r.flags,
            )
            for r in dashboard.rows
        ],
        "trend": dashboard.trend,
        "flags_chart": dashboard.flags_chart,
        "overview": [
            (s.program.pk, s.circles, s.at_risk, s.held, s.scheduled, s.present, s.recorded)
            for s in overview.programs
        ],
        "at_risk": [(c.circle.pk, c.flags) for c in overview.at_risk],
        "flags": program_flags([p.pk for p in programs], today=TODAY),
        "health": circle_health(circle, today=TODAY),
    }


def direct(scale: ScaleResult, circle: Circle) -> dict[str, Any]:
    """The same, computed with no cache at all."""
    with override_settings(CACHES=DUMMY):
        return shown(scale, circle)


def _member_of(circle: Circle) -> Member:
    membership = circle.memberships.filter(left_on__isnull=True).exclude(member=circle.lead)
    found = membership.select_related("member").first()
    assert found is not None
    return found.member


def _lead(circle: Circle) -> Member:
    assert circle.lead is not None
    return circle.lead


def _held_in_window(circle: Circle) -> Meeting:
    """The circle's last meeting held before today (inside every window)."""
    meeting = (
        circle.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__lt=NOW)
        .exclude(starts_at__date=TODAY)
        .order_by("-starts_at")
        .first()
    )
    assert meeting is not None
    return meeting


# --- the kinds of change, each through its service; each returns the circle to look at --------


def attendance_recorded(scale: ScaleResult, circle: Circle) -> None:
    meeting = _held_in_window(circle)
    everyone = [m.member for m in circle.memberships.filter(left_on__isnull=True)]
    attendance_record(
        meeting=meeting, statuses=dict.fromkeys(everyone, "absent"), reported_by=_lead(circle),
        now=NOW,
    )  # fmt: skip


def feedback_given(scale: ScaleResult, circle: Circle) -> None:
    meeting = _held_in_window(circle)
    for membership in circle.memberships.filter(left_on__isnull=True).select_related("member"):
        member = membership.member
        digest = FeedbackReceipt.digest_for(meeting_id=meeting.pk, member_id=member.pk)
        if not FeedbackReceipt.objects.filter(digest=digest).exists() and not (
            meeting.feedback.filter(member=member).exists()
        ):
            Attendance.objects.filter(meeting=meeting, member=member).update(status="present")
            feedback_give(meeting=meeting, member=member, rating=1, now=NOW)
            return
    raise AssertionError("Everyone already answered")


def meeting_cancelled(scale: ScaleResult, circle: Circle) -> None:
    meeting = circle.meetings.filter(starts_at__gt=NOW).order_by("starts_at").first()
    assert meeting is not None
    meeting_cancel(meeting=meeting, reason="The room is taken.", now=NOW)


def commitment_kept(scale: ScaleResult, circle: Circle) -> None:
    for commitment in Commitment.objects.filter(circle=circle, status="open", due_at__lt=NOW):
        commitment_done(commitment=commitment, member=commitment.owner, now=NOW)


def commitment_dropped(scale: ScaleResult, circle: Circle) -> None:
    commitment = Commitment.objects.filter(circle=circle, status="open", due_at__lt=NOW).first()
    assert commitment is not None
    commitment_drop(commitment=commitment, member=commitment.owner, reason="Not needed.", now=NOW)


def escalated(scale: ScaleResult, circle: Circle) -> None:
    late = Commitment.objects.filter(
        circle=circle, status="open", due_at__lt=NOW - dt.timedelta(days=10)
    ).exclude(escalations__resolved_at__isnull=True, escalations__isnull=False)
    commitment = late.first()
    assert commitment is not None
    escalation_raise(
        commitment=commitment,
        by=_lead(circle),
        reason="Three weeks late; the trial waits.",
        now=NOW,
    )


def pulse_answered(scale: ScaleResult, circle: Circle) -> None:
    for membership in circle.memberships.filter(left_on__isnull=True).select_related("member"):
        try:
            pulse_answer(
                circle, by=membership.member, today=TODAY, answers=dict.fromkeys(PULSE_FIELDS, 1)
            )
            return
        except DomainError:  # this one answered already: the next
            continue
    raise AssertionError("Everyone answered the pulse already")


def pulse_stopped(scale: ScaleResult, circle: Circle) -> None:
    coordinator = Member.objects.get(user__email="coordinator@scale.example")
    pulse_schedule_set(circle.program, by=coordinator, active=False, every_weeks=4, today=TODAY)


def lead_stepped_down(scale: ScaleResult, circle: Circle) -> None:
    circle_set_lead(circle=circle, lead=None)


def member_joined(scale: ScaleResult, circle: Circle) -> None:
    in_circle = circle.memberships.values("member")
    newcomer = (
        Member.objects.filter(organization=scale.organization, role="member")
        .exclude(pk__in=in_circle)
        .first()
    )
    assert newcomer is not None
    circle_add_member(circle=circle, member=newcomer, on=TODAY)


def member_left(scale: ScaleResult, circle: Circle) -> None:
    circle_remove_member(circle=circle, member=_member_of(circle), on=TODAY)


def schedule_given(scale: ScaleResult, circle: Circle) -> None:
    schedule_set(
        circle=circle, frequency="weekly", weekday=0, start_time=dt.time(9),
        starts_on=TODAY + dt.timedelta(days=5), now=NOW,
    )  # fmt: skip


def program_ended(scale: ScaleResult, circle: Circle) -> None:
    program_update(program=circle.program, status=Program.Status.ENDED, end_date=TODAY)


def idea_withdrawn(scale: ScaleResult, circle: Circle) -> None:
    idea = (
        Idea.objects.filter(circle=circle, withdrawn=False, author__isnull=False)
        .filter(created_on__gte=TODAY - dt.timedelta(days=120), created_on__lt=TODAY)
        .select_related("author")
        .first()
    )
    assert idea is not None
    assert idea.author is not None
    idea_withdraw(idea=idea, member=idea.author)


# Each change, the kind of circle it is made to, and whether what the pages show must differ
# afterwards (a meeting cancelled ahead changes no figure of today: only equality is checked).
Change = Callable[[ScaleResult, Circle], None]
CHANGES: list[tuple[Change, CircleKind, bool]] = [
    (attendance_recorded, CircleKind.HEALTHY, True),
    (feedback_given, CircleKind.HEALTHY, True),
    (meeting_cancelled, CircleKind.HEALTHY, False),
    (commitment_kept, CircleKind.OVERDUE, True),
    (commitment_dropped, CircleKind.OVERDUE, True),
    (escalated, CircleKind.OVERDUE, True),
    (pulse_answered, CircleKind.HEALTHY, True),
    (pulse_stopped, CircleKind.SILENT, True),
    (lead_stepped_down, CircleKind.HEALTHY, True),
    (member_joined, CircleKind.HEALTHY, True),
    (member_left, CircleKind.HEALTHY, True),
    (schedule_given, CircleKind.UNSCHEDULED, True),
    (program_ended, CircleKind.MISSED, True),
    (idea_withdrawn, CircleKind.HEALTHY, True),
]


@pytest.mark.parametrize(
    ("change", "kind", "shows"), CHANGES, ids=[c.__name__ for c, *_ in CHANGES]
)
def test_cached_figures_equal_direct_ones_after_every_kind_of_change(scale, change, kind, shows):
    circle = _circle(scale, kind)
    before = shown(scale, circle)  # computed, then cached
    assert shown(scale, circle) == before  # now from the cache
    assert before == direct(scale, circle)
    change(scale, circle)
    after = shown(scale, circle)
    assert after == direct(scale, circle)
    if shows:
        assert after != before


def test_the_cache_is_used_and_a_write_past_the_services_would_leave_it_stale(scale):
    circle = _circle(scale, CircleKind.HEALTHY)
    before = shown(scale, circle)
    meeting = _held_in_window(circle)
    Attendance.objects.filter(meeting=meeting).update(status="absent")  # no service: no bump
    assert shown(scale, circle) == before
    assert direct(scale, circle) != before
    freshness.figures_changed(circle.program_id)
    assert shown(scale, circle) == direct(scale, circle)


def test_another_database_sharing_the_cache_never_reads_these_figures(scale, monkeypatch):
    circle = _circle(scale, CircleKind.HEALTHY)
    before = shown(scale, circle)
    Attendance.objects.filter(meeting=_held_in_window(circle)).update(status="absent")
    assert shown(scale, circle) == before  # this database's cached figures
    # The same program ids in another database (a development server beside a benchmark).
    monkeypatch.setitem(connection.settings_dict, "NAME", "another-database")
    assert shown(scale, circle) == direct(scale, circle)
    assert shown(scale, circle) != before


SHARED_BACKENDS = [
    pytest.param("django.core.cache.backends.filebased.FileBasedCache", id="files"),
    pytest.param(
        "django.core.cache.backends.redis.RedisCache",
        id="redis",
        marks=pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set"),
    ),
]


@pytest.mark.parametrize("backend", SHARED_BACKENDS)
def test_the_shared_backends_keep_and_replace_figures_alike(scale, settings, tmp_path, backend):
    """The caches production uses (files under var/cache, or Redis): figures come back whole
    (pickled), and a change through a service is seen."""
    location = os.environ["REDIS_URL"] if "redis" in backend else str(tmp_path)
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location}}
    assert backend.endswith(type(caches["default"]).__name__)
    circle = _circle(scale, CircleKind.HEALTHY)
    before = shown(scale, circle)
    assert shown(scale, circle) == before == direct(scale, circle)
    attendance_recorded(scale, circle)
    assert shown(scale, circle) == direct(scale, circle) != before


def test_a_new_day_computes_afresh(scale):
    circle = _circle(scale, CircleKind.HEALTHY)
    programs = _programs(scale)
    today = program_flags([p.pk for p in programs], today=TODAY)
    Attendance.objects.filter(meeting=_held_in_window(circle)).update(status="absent")
    tomorrow = TODAY + dt.timedelta(days=1)
    with override_settings(CACHES=DUMMY):
        expected = program_flags([p.pk for p in programs], today=tomorrow)
    assert program_flags([p.pk for p in programs], today=tomorrow) == expected
    assert program_flags([p.pk for p in programs], today=TODAY) == today


def test_home_lists_the_most_serious_circles_at_risk_and_counts_them_all(scale, monkeypatch):
    monkeypatch.setattr(dashboard, "AT_RISK_SHOWN", 3)
    programs = _programs(scale)
    overview = programs_overview(programs, today=TODAY)
    flags = program_flags([p.pk for p in programs], today=TODAY)
    assert overview.at_risk_count == len(flags) > 3
    assert len(overview.at_risk) == 3
    assert overview.at_risk_more == len(flags) - 3
    ranks = sorted(min(f.rank for f in found) for found in flags.values())
    assert [min(f.rank for f in c.flags) for c in overview.at_risk] == ranks[:3]
    assert sum(s.at_risk for s in overview.programs) == len(flags)


def test_warm_pages_ask_few_queries_and_show_what_they_showed(scale):
    """The dashboard, a health page and the home page of the coordinator of both programs: the
    second request reads its figures from the cache (fewer queries), with the same page."""
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(Member.objects.get(user__email="coordinator@scale.example").user)
    program = _programs(scale)[0]
    circle = _circle(scale, CircleKind.HEALTHY, program)
    for url in (
        reverse("insights:program_dashboard", args=[program.pk]),
        reverse("insights:circle_health", args=[circle.pk]),
        reverse("home:home"),
    ):
        with CaptureQueriesContext(connection) as cold:
            first = client.get(url)
        with CaptureQueriesContext(connection) as warm:
            second = client.get(url)
        assert first.status_code == second.status_code == 200
        assert len(warm.captured_queries) < len(cold.captured_queries), url
        assert _without_tokens(second.content) == _without_tokens(first.content), url


def _without_tokens(html: bytes) -> bytes:
    """A page without its CSRF tokens (masked afresh for every request)."""
    html = re.sub(rb'csrfmiddlewaretoken" value="[^"]*"', b"", html)
    return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", html)
