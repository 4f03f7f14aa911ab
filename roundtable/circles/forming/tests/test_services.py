"""The life of a formation run (`forming.services`): start, proposal, moves, pins, rerun,
publish, discard."""

from __future__ import annotations

import pytest

from roundtable.circles.forming import pairs, services
from roundtable.circles.forming.tests.conftest import formation_settings
from roundtable.circles.models import Circle, CircleMembership, FormationRun
from roundtable.core.errors import DomainError
from roundtable.testing.factories import EnrolmentFactory, MemberFactory, ProgramFactory

pytestmark = pytest.mark.django_db
Status = FormationRun.Status


def _current_circle(member_id: int | str) -> list[int]:
    return list(
        CircleMembership.objects.filter(member_id=member_id, left_on__isnull=True).values_list(
            "circle_id", flat=True
        )
    )


def test_forming_places_newcomers_and_leaves_current_circles_alone(program, personas, start):
    run = start(program)
    assert run.status == Status.READY
    proposal = run.proposal
    sizes = [len(c["members"]) for c in proposal["circles"]]
    assert sum(sizes) == 17  # 14 new + lead, member, peer
    assert all(4 <= size <= 6 for size in sizes)
    assert proposal["moved"] == []
    assert run.assignment[str(personas.members["lead"].pk)] == f"c{personas.circle.pk}"
    assert run.assignment[str(personas.members["member"].pk)] == f"c{personas.circle.pk}"
    assert all(c["why"] for c in proposal["circles"])
    assert {b["feature"] for b in proposal["balance"]} >= {"Department", "Years of experience"}
    assert proposal["issues"] == []
    names = [c["name"] for c in proposal["circles"]]
    assert {"North", "South"} <= set(names)
    assert len(set(names)) == len(names)


def test_a_new_start_discards_the_open_proposal(program, start):
    first = start(program)
    second = start(program, seed=4)
    first.refresh_from_db()
    assert first.status == Status.DISCARDED
    assert second.status == Status.READY


def test_publish_creates_circles_and_dated_memberships(program, personas, start):
    run = start(program)
    circles = services.formation_publish(run=run, by=None)
    run.refresh_from_db()
    assert run.status == Status.PUBLISHED
    assert [c.name for c in circles] == [c["name"] for c in run.proposal["circles"]]
    placed = CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
    assert placed.count() == 17
    for person, key in run.assignment.items():
        circle = next(
            c
            for c, entry in zip(circles, run.proposal["circles"], strict=True)
            if entry["key"] == key
        )
        assert _current_circle(person) == [circle.pk]
    with pytest.raises(DomainError, match="published"):
        services.formation_publish(run=run, by=None)


def test_rebalancing_lists_moves_and_needs_confirmation(program, personas, start):
    # Lead and member share North; a rule now keeps them apart, so re-balancing must move one.
    lead, member = personas.members["lead"], personas.members["member"]
    pairs.pair_rule_add(program=program, first=lead, second=member, kind="apart")
    run = start(program, rebalance=True)
    assert run.status == Status.READY, run.problems
    movers = set(run.proposal["moved"]) & {str(lead.pk), str(member.pk)}
    assert len(movers) == 1
    with pytest.raises(DomainError, match="confirm those moves"):
        services.formation_publish(run=run, by=None)
    assert _current_circle(lead.pk) == _current_circle(member.pk) == [personas.circle.pk]

    services.formation_publish(run=run, by=None, confirm_moves=True)
    (mover,) = movers
    left = CircleMembership.objects.get(member_id=mover, circle=personas.circle)
    assert left.left_on is not None
    assert len(_current_circle(lead.pk)) == len(_current_circle(member.pk)) == 1
    assert _current_circle(lead.pk) != _current_circle(member.pk)


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
    assert run.assignment[str(report.pk)] == run.assignment[str(boss.pk)]
    assert any("manager and report" in issue for issue in run.proposal["issues"])
    with pytest.raises(DomainError, match="Fix these first"):
        services.formation_publish(run=run, by=None)
    assert not CircleMembership.objects.filter(member=report).exists()


def test_moves_are_refused_for_strangers_unknown_circles_and_pinned_people(program, start):
    run = start(program)
    person = next(p for p, key in run.assignment.items() if key.startswith("new"))
    with pytest.raises(DomainError, match="not part of this proposal"):
        services.formation_move(run=run, member_id=999_999, circle_key="new-1")
    with pytest.raises(DomainError, match="one of the proposed circles"):
        services.formation_move(run=run, member_id=int(person), circle_key="nowhere")
    services.formation_pin(run=run, member_id=int(person), pinned=True)
    with pytest.raises(DomainError, match="Unpin"):
        services.formation_move(run=run, member_id=int(person), circle_key="new-1")


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
    assert run.status == Status.READY
    assert run.assignment[person] == target
    assert person in next(c for c in run.proposal["circles"] if c["key"] == target)["members"]


def test_impossible_requests_fail_with_reasons_and_publish_nothing(program, personas, start):
    # Without re-balancing, lead and member are held in North, yet a rule keeps them apart.
    lead, member = personas.members["lead"], personas.members["member"]
    pairs.pair_rule_add(program=program, first=lead, second=member, kind="apart")
    run = start(program)
    assert run.status == Status.FAILED
    assert run.problems == [
        f"{lead.name} and {member.name} stay in one circle (pinned, or in it now), but they are "
        "kept apart."
    ]
    offered = [r["label"] for r in run.proposal["infeasible"]["relaxations"]]
    assert offered == [
        f"Let {lead.name} and {member.name} share a circle",
        f"Let {lead.name} and {member.name} change circle",
    ]
    assert "circles" not in run.proposal
    assert Circle.objects.filter(program=program).count() == 2
    with pytest.raises(DomainError, match="could not form circles"):
        services.formation_publish(run=run, by=None)


def test_settings_are_validated(program):
    with pytest.raises(DomainError, match="at least one criterion"):
        services.formation_start(
            program=program, by=None, settings=formation_settings(weights={"department": 0})
        )
    with pytest.raises(DomainError, match="Circle sizes go from 2 to 20"):
        services.formation_start(
            program=program, by=None, settings=formation_settings(size_min=7, size_max=5)
        )
    small = ProgramFactory.create()
    with pytest.raises(DomainError, match="a circle needs at least 4"):
        services.formation_start(program=small, by=None, settings=formation_settings())
    assert not FormationRun.objects.exists()


def test_discard_changes_no_circle_and_closes_the_proposal(program, start):
    run = start(program)
    services.formation_discard(run=run)
    run.refresh_from_db()
    assert run.status == Status.DISCARDED
    assert CircleMembership.objects.filter(circle__program=program).count() == 3
    with pytest.raises(DomainError, match="discarded"):
        services.formation_move(run=run, member_id=int(next(iter(run.assignment))), circle_key="x")
