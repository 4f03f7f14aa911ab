"""Where members are asked to answer the pulse: `{% pulse_prompt circle user %}` on the circle's
page and `{% pulse_prompts user circles %}` on the home page. Two queries at most each (the
schedules and the viewer's receipts), however many circles."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from roundtable.insights.models import PULSE_MIN_ANSWERS
from roundtable.insights.selectors.pulses import pulse_prompts as prompts_for

register = template.Library()


@register.inclusion_tag("insights/_pulse_prompt.html")
def pulse_prompt(circle: Any, user: Any) -> dict[str, Any]:
    """The circle's pulse for whoever looks: an invitation to answer, "you answered", or (for
    those who read but do not answer) a link to the results."""
    found = prompts_for(user=user, circles=[circle], now=timezone.now())
    return {"prompt": found[0] if found else None, "min_answers": PULSE_MIN_ANSWERS}


@register.inclusion_tag("insights/_pulse_prompts.html")
def pulse_prompts(user: Any, circles: Any) -> dict[str, Any]:
    """The viewer's circles whose pulse is open and that they have not answered yet."""
    found = prompts_for(user=user, circles=circles, now=timezone.now())
    return {"prompts": [p for p in found if p.can_answer and not p.answered]}
