"""What the circle page shows of the toolkit: the mission, the working agreement, recent
recognition and, for the lead, the way into their toolkit. One call from the circle page; each
part comes from its own selector module."""

from __future__ import annotations

from typing import Any

from roundtable.circles.models import Circle
from roundtable.leadership.selectors.agreements import agreement_for_circle_page
from roundtable.leadership.selectors.mission import mission_for_circle_page
from roundtable.leadership.selectors.recognition import recognition_for_circle_page


def circle_leadership_panel(*, circle: Circle, user: Any) -> dict[str, Any]:
    return {
        "mission": mission_for_circle_page(circle=circle, user=user),
        "agreement": agreement_for_circle_page(circle=circle, user=user),
        "recognition": recognition_for_circle_page(circle=circle, user=user),
    }
