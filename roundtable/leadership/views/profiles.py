"""What a member shares with their circles: their own page to write it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from roundtable.core import permissions
from roundtable.core.form_pages import form_page
from roundtable.leadership.forms.profiles import SharedProfileForm
from roundtable.leadership.selectors.profiles import shared_profile_of, upcoming_busy_periods
from roundtable.leadership.services.profiles import shared_profile_update
from roundtable.orgs.models import Member


def own_member(request: HttpRequest) -> Member:
    """The user's member profile in the organisation `?org=<slug>` names, or their first (as the
    profile page finds it): what one shares is per organisation."""
    members = sorted(permissions.memberships(request.user).values(), key=lambda m: m.pk)
    slug = request.GET.get("org")
    for member in members:
        if slug is None or member.organization.slug == slug:
            return member
    raise Http404("You are not a member of any organisation yet.")


@login_required
def sharing_edit(request: HttpRequest) -> HttpResponse:
    me = own_member(request)
    profile = shared_profile_of(member=me)
    form = SharedProfileForm(
        request.POST or None,
        initial={
            "goals": profile.goals,
            "can_help_with": profile.can_help_with,
            "share_busy_periods": profile.share_busy_periods,
        },
    )
    others = [m for m in permissions.memberships(request.user).values() if m.pk != me.pk]
    return form_page(
        request,
        form,
        save=lambda data: shared_profile_update(member=me, **data),
        success="Saved. The people in your circles see it on your page.",
        then=reverse("orgs:member_detail", args=[me.pk]),
        title="What I share with my circles",
        subtitle="In your own words, for the people in a circle with you (its members and "
        "lead) and nobody else. Your lead may keep their own notes; this is yours.",
        submit_label="Save",
        cancel_url=reverse("orgs:member_detail", args=[me.pk]),
        nav_section="members",
        template="leadership/sharing_edit.html",
        extra={
            "me": me,
            "busy_periods": upcoming_busy_periods(member=me),
            "other_memberships": others,
        },
    )
