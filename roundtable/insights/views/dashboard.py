"""The program dashboard: every circle's health at a glance, sortable by any column on the server
(plain links, so it works without JavaScript), with the circles at risk and why. Admins,
coordinators and the sponsor; anyone else gets a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from roundtable.core import permissions
from roundtable.insights.selectors.dashboard import SORTS, program_dashboard, sort_parse
from roundtable.programs.selectors import program_get_for_user

# The direction a column sorts in when first clicked: the figures a coordinator worries about
# first (lowest consistency, most overdue) come to the top.
FIRST_DESCENDING = {"flags", "overdue", "commitments"}


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    query: str  # ?sort= value the header's link asks for
    aria_sort: str  # "ascending", "descending" or "none"

    @property
    def active(self) -> bool:
        return self.aria_sort != "none"


def sort_headers(current: str | None) -> dict[str, SortHeader]:
    key, descending = sort_parse(current)
    headers = {}
    for name, (label, _value) in SORTS.items():
        if name == key:
            aria = "descending" if descending else "ascending"
            query = name if descending else f"-{name}"
        else:
            aria = "none"
            query = f"-{name}" if name in FIRST_DESCENDING else name
        headers[name] = SortHeader(key=name, label=label, query=query, aria_sort=aria)
    return headers


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    program = program_get_for_user(
        user=request.user, pk=pk, can=permissions.can_view_program_dashboard
    )
    sort = request.GET.get("sort")
    page = program_dashboard(program, today=timezone.localdate(), sort=sort)
    return render(
        request,
        "insights/dashboard.html",
        {
            "program": program,
            "page": page,
            "sort": sort_headers(sort),
            "nav_section": "programs",
        },
    )
