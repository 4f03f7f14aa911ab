"""Quick writers for the commitments tests, through the real services."""

from __future__ import annotations

import datetime as dt

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment
from roundtable.commitments.services.commitments import (
    commitment_answer,
    commitment_ask,
    commitment_take_on,
)
from roundtable.orgs.models import Member

DAY = dt.date(2027, 3, 5)  # the Friday after the frozen now


def taken_on(circle: Circle, owner: Member, title: str = "Write the call script", *,
             on: dt.date = DAY, **extra: object) -> Commitment:  # fmt: skip
    return commitment_take_on(circle=circle, owner=owner, title=title, due_on=on, **extra)  # type: ignore[arg-type]


def asked(circle: Circle, asker: Member, owner: Member, title: str = "Share the churn list",
          **extra: object) -> Commitment:  # fmt: skip
    return commitment_ask(circle=circle, asked_by=asker, owner=owner, title=title, **extra)  # type: ignore[arg-type]


def agreed(circle: Circle, asker: Member, owner: Member, title: str = "Share the churn list", *,
           on: dt.date = DAY) -> Commitment:  # fmt: skip
    commitment = asked(circle, asker, owner, title)
    return commitment_answer(commitment=commitment, member=owner, due_on=on)
