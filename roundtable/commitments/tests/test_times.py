"""Due dates on the owner's wall clock across the March change in Europe/London: 17:00 stays
17:00 whether the day is in GMT or BST, a move across the change keeps the wall-clock time,
and a time the clocks skip is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from roundtable.commitments.models import Commitment
from roundtable.commitments.services import commitments as services
from roundtable.commitments.tests.helpers import taken_on
from roundtable.core.errors import DomainError

NOW = dt.datetime(2027, 3, 20, 12, tzinfo=dt.UTC)  # a week before the clocks go forward
pytestmark = pytest.mark.usefixtures("frozen_clock")


def _shown(commitment: Commitment) -> str:
    return Template("{% load commitments %}{{ c|due }}").render(Context({"c": commitment}))


def test_five_pm_before_and_after_the_change_is_five_pm_in_london(personas, member):
    before = taken_on(personas.circle, member, on=dt.date(2027, 3, 26))
    after = taken_on(personas.circle, member, on=dt.date(2027, 3, 29))
    assert before.due_at == dt.datetime(2027, 3, 26, 17, tzinfo=dt.UTC)  # GMT
    assert after.due_at == dt.datetime(2027, 3, 29, 16, tzinfo=dt.UTC)  # BST
    assert _shown(before) == "Fri 26 Mar 2027, 17:00 Europe/London"
    assert _shown(after) == "Mon 29 Mar 2027, 17:00 Europe/London"


def test_a_move_across_the_change_keeps_the_wall_clock_time(personas, member):
    commitment = taken_on(personas.circle, member, on=dt.date(2027, 3, 26), due_time=dt.time(9))
    services.commitment_move(
        commitment=commitment,
        member=member,
        due_on=dt.date(2027, 4, 2),
        due_time=dt.time(9),
        reason="The data comes a week later.",
    )
    commitment.refresh_from_db()
    assert commitment.due_at == dt.datetime(2027, 4, 2, 8, tzinfo=dt.UTC)
    assert _shown(commitment) == "Fri 2 Apr 2027, 09:00 Europe/London"


def test_a_time_the_clocks_skip_is_refused(personas, member):
    with pytest.raises(DomainError, match="does not exist on 28 Mar 2027 in Europe/London"):
        taken_on(personas.circle, member, on=dt.date(2027, 3, 28), due_time=dt.time(1, 30))
    assert not Commitment.objects.exists()


def test_a_viewer_elsewhere_sees_the_owners_time_and_zone(personas, member):
    commitment = taken_on(personas.circle, member, on=dt.date(2027, 3, 29))
    with timezone.override("America/New_York"):  # as for a viewer in New York
        assert _shown(commitment) == "Mon 29 Mar 2027, 17:00 Europe/London"
