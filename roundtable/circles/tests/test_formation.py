import datetime as dt

import pytest
from django.urls import reverse

from roundtable.circles import formation as services
from roundtable.circles.models import Circle, CircleMembership, FormationRun
from roundtable.core.errors import DomainError
from roundtable.orgs.models import AvailabilitySlot
from roundtable.testing.factories import EnrolmentFactory, MemberFactory, ProgramFactory

pytestmark = pytest.mark.django_db
DEPARTMENTS = ["Sales", "Support", "Finance", "Operations"]


@pytest.fixture
def program(personas):
    """The personas' program plus 14 new enrolled people with mixed profiles and weekday
    availability, one of them managed by another."""
    program = personas.program
    for i in range(14):
        member = MemberFactory.create(
            organization=personas.organization,
            department=DEPARTMENTS[i % 4],
            years_experience=1 + (i * 7) % 20,
            location=["Leeds", "Lisbon"][i % 2],
        )
        EnrolmentFactory(program=program, member=member)
        for weekday in range(5):
            AvailabilitySlot.objects.create(
                member=member, weekday=weekday, start_time=dt.time(9), end_time=dt.time(17)
            )
    return program


def _settings(**extra):
    return {"size_min": 4, "size_max": 6, "use_availability": False, "seed": 3, **extra}


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a run and let its task run (the test backend runs tasks at once, on commit)."""

    def run(program, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            created = services.formation_start(
                program=program, by=None, settings=_settings(**extra)
            )
        created.refresh_from_db()
        return created

    return run


def test_forming_places_newcomers_and_leaves_current_circles_alone(program, personas, start):
    run = start(program)
    assert run.status == FormationRun.Status.READY
    proposal = run.proposal
    sizes = [len(c["members"]) for c in proposal["circles"]]
    assert sum(sizes) == 17  # 14 new + lead, member, peer
    assert proposal["moved"] == []
    assert run.assignment[str(personas.members["lead"].pk)] == f"c{personas.circle.pk}"
    assert all(c["why"] for c in proposal["circles"])
    assert {b["feature"] for b in proposal["balance"]} >= {"Department", "Years of experience"}
    assert proposal["issues"] == []


def test_publish_creates_circles_and_dated_memberships(program, personas, start):
    run = start(program)
    circles = services.formation_publish(run=run, by=None)
    run.refresh_from_db()
    assert run.status == FormationRun.Status.PUBLISHED
    assert len(circles) == len(run.proposal["circles"])
    placed = CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
    assert placed.count() == 17
    with pytest.raises(DomainError, match="published"):
        services.formation_publish(run=run, by=None)


def test_rebalancing_lists_moves_and_needs_confirmation(program, personas, start):
    run = start(program, rebalance=True)
    lead = str(personas.members["lead"].pk)
    if lead not in run.proposal["moved"]:  # the engine kept the lead: swap them by hand
        home = run.assignment[lead]
        other = next(c for c in run.proposal["circles"] if c["key"] != home)
        newcomer = next(p for p in other["members"] if p not in run.proposal["moved"])
        run = services.formation_move(run=run, member_id=int(lead), circle_key=other["key"])
        run = services.formation_move(run=run, member_id=int(newcomer), circle_key=home)
    assert lead in run.proposal["moved"]
    with pytest.raises(DomainError, match="confirm those moves"):
        services.formation_publish(run=run, by=None)
    assert CircleMembership.objects.get(
        member_id=lead, circle=personas.circle
    ).is_current  # nothing changed
    services.formation_publish(run=run, by=None, confirm_moves=True)
    old = CircleMembership.objects.get(member_id=lead, circle=personas.circle)
    assert old.left_on is not None


def test_hand_moves_that_break_a_rule_block_publishing(program, personas, start):
    boss, report = MemberFactory.create_batch(2, organization=personas.organization)
    report.manager = boss
    report.save()
    for person in (boss, report):
        EnrolmentFactory(program=program, member=person)
    run = start(program)
    assert run.assignment[str(boss.pk)] != run.assignment[str(report.pk)]
    run = services.formation_move(
        run=run, member_id=report.pk, circle_key=run.assignment[str(boss.pk)]
    )
    assert any("manager and report" in issue for issue in run.proposal["issues"])
    with pytest.raises(DomainError, match="Fix these first"):
        services.formation_publish(run=run, by=None)


def test_pinned_people_stay_when_the_rest_is_formed_again(
    program, start, django_capture_on_commit_callbacks
):
    run = start(program)
    person = next(p for p, key in run.assignment.items() if key.startswith("new"))
    target = next(c["key"] for c in run.proposal["circles"] if c["key"] != run.assignment[person])
    run = services.formation_move(run=run, member_id=int(person), circle_key=target)
    services.formation_pin(run=run, member_id=int(person), pinned=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.formation_rerun(run=run)
    run.refresh_from_db()
    assert run.status == FormationRun.Status.READY
    assert run.assignment[person] == target


def test_impossible_requests_fail_with_reasons_and_publish_nothing(program, personas, start):
    services.pair_rule_add(
        program=program,
        first=personas.members["lead"],
        second=personas.members["coordinator"],
        kind="together",
    )
    EnrolmentFactory(program=program, member=personas.members["coordinator"])
    # Lead and coordinator together, but the lead must stay in North (current circle) and
    # the coordinator has no availability in common with anyone: use availability.
    run = start(program, size_min=18, size_max=18)
    assert run.status == FormationRun.Status.FAILED
    assert run.problems
    assert Circle.objects.filter(program=program).count() == 2


def test_settings_are_validated(program):
    with pytest.raises(DomainError, match="at least one criterion"):
        services.formation_start(
            program=program, by=None, settings=_settings(weights={"department": 0})
        )
    small = ProgramFactory.create()
    with pytest.raises(DomainError, match="a circle needs at least 4"):
        services.formation_start(program=small, by=None, settings=_settings())


def test_pair_rules_refuse_managers_together_and_duplicates(personas):
    lead, member = personas.members["lead"], personas.members["member"]
    services.pair_rule_add(program=personas.program, first=lead, second=member, kind="apart")
    with pytest.raises(DomainError, match="already have a rule"):
        services.pair_rule_add(program=personas.program, first=member, second=lead, kind="apart")
    coordinator = personas.members["coordinator"]
    member.manager = coordinator
    member.save()
    with pytest.raises(DomainError, match="manages the other"):
        services.pair_rule_add(
            program=personas.program, first=member, second=coordinator, kind="together"
        )


# --- pages --------------------------------------------------------------------------------


def test_only_coordinators_and_admins_reach_formation(client, personas, program):
    url = reverse("circles:formation_start", args=[program.pk])
    for who, status in [("coordinator", 200), ("admin", 200), ("sponsor", 404), ("lead", 404)]:
        client.force_login(getattr(personas, who))
        assert client.get(url).status_code == status, who


def test_coordinator_proposes_moves_and_publishes_through_the_pages(
    client, personas, program, django_capture_on_commit_callbacks
):
    client.force_login(personas.coordinator)
    start = reverse("circles:formation_start", args=[program.pk])
    page = client.get(start)
    assert b"Mix on" in page.content
    data = {
        "size_min": 4,
        "size_max": 6,
        "meeting_minutes": 60,
        "managers_apart": "on",
        **{f"weight_{c.name}": 1 for c in services.CRITERIA},
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start, data)
    run = FormationRun.objects.get(program=program)
    assert response.url == reverse("circles:formation_run", args=[program.pk, run.pk])
    page = client.get(response.url)
    assert b"Why this mix" in page.content
    assert b"Balance across circles" in page.content

    circles = sorted(run.proposal["circles"], key=lambda c: len(c["members"]))
    placed = {str(m.member_id) for m in CircleMembership.objects.filter(left_on__isnull=True)}
    person = next(p for p in circles[-1]["members"] if p not in placed)  # a newcomer,
    target = circles[0]["key"]  # from the biggest circle to the smallest
    fragment = client.post(
        reverse("circles:formation_move", args=[program.pk, run.pk]),
        {"member": person, "circle": target},
        HTTP_HX_REQUEST="true",
    )
    assert fragment.status_code == 200
    assert b'id="proposal"' in fragment.content
    run.refresh_from_db()
    assert run.assignment[person] == target

    response = client.post(reverse("circles:formation_publish", args=[program.pk, run.pk]))
    assert response.url == reverse("programs:detail", args=[program.pk])
    run.refresh_from_db()
    assert run.status == FormationRun.Status.PUBLISHED


def test_bad_form_input_is_shown_and_nothing_starts(client, personas, program):
    client.force_login(personas.coordinator)
    start = reverse("circles:formation_start", args=[program.pk])
    data = {"size_min": 6, "size_max": 4, "meeting_minutes": 60}
    data.update({f"weight_{c.name}": 0 for c in services.CRITERIA})
    page = client.post(start, data)
    assert page.status_code == 200
    assert b"cannot be smaller than the smallest" in page.content
    assert not FormationRun.objects.exists()


def test_current_circles_without_a_shared_slot_are_kept_and_said_so(client, personas, start):
    # North's lead and member share no slot; the newcomers all share Monday morning.
    for weekday, who in ((0, "lead"), (2, "member")):
        AvailabilitySlot.objects.create(
            member=personas.members[who],
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
    program = personas.program
    for _ in range(6):
        member = MemberFactory.create(organization=personas.organization)
        EnrolmentFactory(program=program, member=member)
        AvailabilitySlot.objects.create(
            member=member, weekday=0, start_time=dt.time(9), end_time=dt.time(12)
        )
    run = start(program, use_availability=True, size_min=2, size_max=4)
    assert run.status == FormationRun.Status.READY, run.problems
    assert run.proposal["constraints"]["availability"]["kept_without_slot"] >= 1
    assert run.proposal["issues"] == []
    client.force_login(personas.coordinator)
    page = client.get(reverse("circles:formation_run", args=[program.pk, run.pk]))
    assert b"whose members already had none" in page.content
