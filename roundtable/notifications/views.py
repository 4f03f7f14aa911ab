"""A member's notices (the inbox, opening one, marking them read) and their choice of emails and
notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from roundtable.core import permissions
from roundtable.notifications.forms import PreferencesForm
from roundtable.notifications.notices import notices_mark_read
from roundtable.notifications.selectors import (
    notice_get_for_user,
    notice_url_is_safe,
    notice_when,
    notices_for,
)
from roundtable.notifications.services import notification_preferences_set

NOTICES_SHOWN = 100


@login_required
@require_POST
def preferences_save(request: HttpRequest) -> HttpResponse:
    members = list(permissions.memberships(request.user).values())
    if not members:
        raise Http404
    form = PreferencesForm(request.POST)
    if not form.is_valid():  # only a notice choice that is not on the list can be invalid
        messages.error(request, "Those choices could not be saved: please choose from the lists.")
        return redirect(reverse("orgs:profile") + "#emails")
    for member in members:
        notification_preferences_set(
            member=member,
            **form.email_choices(),
            notices=form.notice_deliveries(),
            commitments=form.commitment_emails(),
            health_digest=form.health_digest_choice(),
        )
    messages.success(request, "Email and notice choices saved.")
    return redirect(reverse("orgs:profile") + "#emails")


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    members = list(permissions.memberships(request.user).values())
    now = timezone.now()
    rows = [(notice, notice_when(notice, now=now)) for notice in notices_for(member=members)]
    return render(
        request,
        "notifications/notices.html",
        {"rows": rows, "shown": NOTICES_SHOWN, "nav_section": "notices"},
    )


@login_required
@require_GET
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read and go to what it is about (a link within the site only: anything
    else, which notice_send refuses, falls back to the inbox)."""
    notice = notice_get_for_user(user=request.user, pk=pk)
    notices_mark_read(member=notice.member, ids=[notice.pk])
    return redirect(notice.url if notice_url_is_safe(notice.url) else "notifications:notices")


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    members = list(permissions.memberships(request.user).values())
    marked = notices_mark_read(member=members)
    messages.success(request, f"{marked} notice{'' if marked == 1 else 's'} marked read.")
    return redirect("notifications:notices")
