"""A request that cannot be formed (`forming.execution.formation_explain`, `services.
formation_relax`, the run page): the people in conflict named, only relaxations the engine found
to work offered, and choosing one forms circles that pass every check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from roundtable.circles.forming import services
from roundtable.circles.forming.adapter import formation_pool_build, formation_request_build
from roundtable.circles.forming.execution import formation_explain, formation_reassess
from roundtable.circles.forming.selectors import formation_members
from roundtable.circles.forming.tests.conftest import newcomers_enrol
from roundtable.circles.models import FormationRun
from roundtable.core.errors import DomainError
from roundtable.formation import FormationError, relaxations
from roundtable.orgs.models import AvailabilitySlot
from roundtable.programs.services import enrolment_end
from roundtable.testing.factories import EnrolmentFactory, MemberFactory

pytestmark = pytest.mark.django_db
Status = FormationRun.Status
FRIDAY = 4


@pytest.fixture
def early_pair(personas):
    """The personas' 3 plus 12 newcomers free on weekdays; Mei Clarke and Hiroshi Kim can meet
    only on Friday at 7:00, with Sam Okoro (who is free on weekdays too): 17 people."""
    program = personas.program
    newcomers_enrol(program, 12)
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(member=member, weekday=day, start_time=dt.time(9), end_time=dt.time(17))
        for member in formation_members(program=program)
        if not member.availability.exists()
        for day in range(5)
    )
    people = {}
    for name in ("Mei Clarke", "Hiroshi Kim", "Sam Okoro"):
        member = MemberFactory.create(
            organization=program.organization, user__full_name=name, department="Support"
        )
        EnrolmentFactory(program=program, member=member)
        AvailabilitySlot.objects.create(
            member=member, weekday=FRIDAY, start_time=dt.time(7), end_time=dt.time(8)
        )
        people[name] = member
    AvailabilitySlot.objects.create(
        member=people["Sam Okoro"], weekday=0, start_time=dt.time(9), end_time=dt.time(17)
    )
    return program, people


SETTINGS = {"use_availability": True, "rebalance": True}


@pytest.fixture(autouse=True)
def roomy_trials(monkeypatch):
    """The engine's trials get room to spare, so that a busy machine changes nothing (the
    budget is tested in formation.tests.test_relaxations)."""
    monkeypatch.setattr(relaxations, "BUDGET", 60.0)
    monkeypatch.setattr(relaxations, "PER_TRY", 1.0)


def test_the_failure_names_the_people_and_offers_only_what_works(early_pair, start):
    program, people = early_pair
    run = start(program, **SETTINGS)
    assert run.status == Status.FAILED
    assert run.problems == [
        "Mei Clarke and Hiroshi Kim share no weekly slot with any 5 others: no slot any of them "
        "can make suits more than 3 people, and circles need at least 6 (18 people in 3 circles)."
    ]
    infeasible = run.proposal["infeasible"]
    [conflict] = infeasible["conflicts"]
    assert conflict["people"] == [str(people["Mei Clarke"].pk), str(people["Hiroshi Kim"].pk)]
    assert conflict["rules"] == ["everyone in a circle shares a weekly slot", "the circle sizes"]
    labels = [r["label"] for r in infeasible["relaxations"]]
    assert labels[:2] == ["Allow circles of 3", "Drop the slot rule for Mei Clarke and Hiroshi Kim"]
    assert labels[2].startswith("Ask Mei Clarke and Hiroshi Kim to make Monday")
    assert "Drop the slot rule for everyone" not in labels
    assert "circles" not in run.proposal  # nothing to review or publish
    with pytest.raises(DomainError, match="could not form circles"):
        services.formation_publish(run=run, by=None)


def test_every_offered_relaxation_forms_circles_that_pass_the_checks(
    early_pair, start, django_capture_on_commit_callbacks
):
    program, people = early_pair
    failed = start(program, **SETTINGS)
    offered = failed.proposal["infeasible"]["relaxations"]
    assert len(offered) >= 3
    mei = str(people["Mei Clarke"].pk)
    for choice, relaxation in enumerate(offered):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.formation_relax(run=failed, by=None, choice=choice)
        run.refresh_from_db()
        assert run.status == Status.READY, (relaxation["label"], run.problems)
        assert run.settings["relaxations"] == [relaxation]
        assert run.settings["seed"] == failed.settings["seed"]
        assert services.formation_check(run=run).problems == [], relaxation["label"]
        assert mei in run.assignment
        run.status = Status.DISCARDED
        run.save(update_fields=["status"])
    # The smaller circles hold: some circle of 3, the one Mei is in meets on Friday at 7:00.
    smaller = FormationRun.objects.get(program=program, settings__relaxations__0__kind="smaller")
    sizes = sorted(len(c["members"]) for c in smaller.proposal["circles"])
    assert sizes[0] == 3
    [meis] = [c for c in smaller.proposal["circles"] if mei in c["members"]]
    assert meis["slot"] == "Friday 07:00"


def test_a_relaxed_proposal_publishes(early_pair, start, django_capture_on_commit_callbacks):
    program, _ = early_pair
    failed = start(program, **SETTINGS)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.formation_relax(run=failed, by=None, choice=1)
    run.refresh_from_db()
    circles = services.formation_publish(run=run, by=None, confirm_moves=True)
    assert sum(c.memberships.filter(left_on__isnull=True).count() for c in circles) == 18


def test_only_a_failed_run_is_relaxed_and_only_as_offered(early_pair, start):
    program, _ = early_pair
    failed = start(program, **SETTINGS)
    with pytest.raises(DomainError, match="Choose one of the offered"):
        services.formation_relax(run=failed, by=None, choice=99)
    ready = start(program, use_availability=False)
    with pytest.raises(DomainError, match="Only a request that could not be formed"):
        services.formation_relax(run=ready, by=None, choice=0)


def test_the_page_shows_names_and_buttons_and_a_button_forms_circles(
    client, personas, early_pair, start, django_capture_on_commit_callbacks
):
    program, _ = early_pair
    failed = start(program, **SETTINGS)
    url = reverse("circles:formation_run", args=[program.pk, failed.pk])
    client.force_login(personas.coordinator)
    page = client.get(url).content.decode()
    assert "Mei Clarke and Hiroshi Kim share no weekly slot with any 5 others" in page
    assert "Rules in conflict: everyone in a circle shares a weekly slot; the circle sizes." in page
    assert page.count('name="choice"') == len(failed.proposal["infeasible"]["relaxations"])
    assert ">Drop the slot rule for Mei Clarke and Hiroshi Kim</button>" in page
    relax = reverse("circles:formation_relax", args=[program.pk, failed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(relax, {"choice": 1})
    run = program.formation_runs.exclude(pk=failed.pk).get()
    assert response.url == reverse("circles:formation_run", args=[program.pk, run.pk])
    page = client.get(response.url).content.decode()
    assert run.status == Status.READY
    assert "Formed with:</strong> Drop the slot rule for Mei Clarke and Hiroshi Kim." in page
    assert client.post(relax, {"choice": "x"}).status_code == 302
    assert program.formation_runs.count() == 2


@pytest.mark.parametrize("who", ["sponsor", "lead", "member", "outsider"])
def test_only_coordinators_relax(client, personas, early_pair, start, who):
    program, _ = early_pair
    failed = start(program, **SETTINGS)
    client.force_login(getattr(personas, who))
    relax = reverse("circles:formation_relax", args=[program.pk, failed.pk])
    assert client.post(relax, {"choice": 0}).status_code == 404
    assert program.formation_runs.count() == 1


def test_a_relaxed_proposal_is_assessed_with_its_relaxation_after_someone_leaves(
    early_pair, start, django_capture_on_commit_callbacks
):
    program, people = early_pair
    failed = start(program, **SETTINGS)
    labels = [r["label"] for r in failed.proposal["infeasible"]["relaxations"]]
    with django_capture_on_commit_callbacks(execute=True):
        run = services.formation_relax(
            run=failed,
            by=None,
            choice=labels.index("Drop the slot rule for Mei Clarke and Hiroshi Kim"),
        )
    run.refresh_from_db()
    assert services.formation_check(run=run).problems == []
    enrolment_end(program=program, member=people["Hiroshi Kim"])
    run = formation_reassess(run=run)
    assert str(people["Hiroshi Kim"].pk) not in run.assignment
    # Mei is still excused from the slot rule: no circle is said to lack a shared slot.
    assert not [p for p in services.formation_check(run=run).problems if "weekly slot" in p]


def test_forming_again_as_asked_records_no_relaxation(
    early_pair, start, django_capture_on_commit_callbacks
):
    # A run whose engine ran out of time (made so by hand: the request is one it can meet).
    program, _ = early_pair
    run = start(program, use_availability=False)
    members = formation_members(program=program)
    pool = formation_pool_build(program=program, members=members, settings=run.settings)
    request = formation_request_build(program=program, run=run, current={})
    problems, proposal = formation_explain(
        pool=pool, request=request, exc=FormationError(["Ran out of time."])
    )
    assert problems == ["Ran out of time."]
    assert [r["label"] for r in proposal["infeasible"]["relaxations"]] == ["Form the circles again"]
    run.status, run.problems, run.proposal = Status.FAILED, problems, proposal
    run.save(update_fields=["status", "problems", "proposal"])
    with django_capture_on_commit_callbacks(execute=True):
        again = services.formation_relax(run=run, by=None, choice=0)
    again.refresh_from_db()
    assert again.status == Status.READY
    assert again.settings["relaxations"] == []
