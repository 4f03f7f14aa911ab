"""Recognition pages: the circle's wall, crediting a peer, and the recipient's choice to show a
recognition to their manager."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.form_pages import form_action, form_page
from roundtable.leadership.forms.recognition import RecognitionForm, ShareForm
from roundtable.leadership.models import Recognition
from roundtable.leadership.selectors.recognition import (
    ITEM_PREFIX,
    linkable_items,
    recognition_get_for_user,
    recognition_recipients,
    recognition_wall,
)
from roundtable.leadership.services.recognition import (
    recognition_give,
    recognition_share_with_manager,
    recognition_url,
)

RECOGNISE_REFUSED = (
    "Recognition is given by the circle's members and lead (and the program's coordinators)."
)


@login_required
def recognition_wall_page(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    me = permissions.member_in(request.user, circle.program.organization_id)
    return render(
        request,
        "leadership/recognition_wall.html",
        {
            "circle": circle,
            "recognitions": recognition_wall(circle=circle),
            "can_give": permissions.can_recognise_in(request.user, circle),
            "me_id": me.pk if me else None,
            "nav_section": "programs",
        },
    )


def _prefill(request: HttpRequest, people: list[int]) -> dict[str, object]:
    """?kind=idea_adopted&idea=<id> (and the like) from an idea's or commitment's page."""
    initial: dict[str, object] = {}
    kind = request.GET.get("kind", "")
    if kind in Recognition.Kind.values:
        initial["kind"] = kind
        prefix = ITEM_PREFIX.get(kind)  # type: ignore[call-overload]
        if prefix and request.GET.get(prefix):
            initial["item"] = f"{prefix}:{request.GET[prefix]}"
    recipient = request.GET.get("recipient", "")
    if recipient.isdigit() and int(recipient) in people:
        initial["recipient"] = int(recipient)
    return initial


@login_required
def recognition_new(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    wall = reverse("leadership:recognition_wall", args=[circle.pk])
    if not permissions.can_recognise_in(request.user, circle):
        messages.error(request, RECOGNISE_REFUSED)
        return redirect(wall)
    me = permissions.acting_member(request.user, circle.program.organization_id)
    people = [p for p in recognition_recipients(circle=circle) if p.pk != me.pk]
    # One's own idea or commitment is not on offer: recognition is for someone else.
    items = {
        kind: [i for i in listed if i.person_id != me.pk]
        for kind, listed in linkable_items(circle=circle).items()
    }
    initial = _prefill(request, [p.pk for p in people])
    if "item" in initial and "recipient" not in initial:
        # The item's person, when the link came from the item's page.
        ref = initial["item"]
        person = next(
            (i.person_id for listed in items.values() for i in listed if i.ref == ref), None
        )
        if person in {p.pk for p in people}:
            initial["recipient"] = person
    form = RecognitionForm(request.POST or None, initial=initial, people=people, items=items)
    return form_page(
        request,
        form,
        save=lambda data: recognition_give(
            circle=circle,
            given_by=me,
            recipient_id=data["recipient"],
            kind=data["kind"],
            message=data["message"],
            item=data["item"],
        ),
        success=lambda r: f"Thank you: {r.recipient.name} and the circle will see it.",
        then=recognition_url,
        title="Recognise a peer",
        subtitle=f"In {circle.name}. Credit something a peer did for the circle: part of "
        "leading peers is making the people you work with look good.",
        submit_label="Recognise",
        cancel_url=wall,
    )


@login_required
@require_POST
def recognition_share(request: HttpRequest, pk: int) -> HttpResponse:
    recognition = recognition_get_for_user(
        user=request.user,
        pk=pk,
        can=lambda user, r: (
            permissions.can_view_recognition(user, r) or permissions.can_share_recognition(user, r)
        ),
    )
    form = ShareForm(request.POST)

    def share(data: dict[str, bool]) -> Recognition:
        permission_require(
            permissions.can_share_recognition(request.user, recognition),
            "Only the person recognised can choose who else sees it.",
        )
        me = permissions.acting_member(request.user, recognition.circle.program.organization_id)
        return recognition_share_with_manager(
            recognition=recognition, member=me, shared=data["shared"]
        )

    form_action(
        request,
        form,
        save=share,
        invalid="Say whether to show it to your manager.",
        success=lambda r: (
            "Your manager can now see it on your page."
            if r.shared_with_manager
            else "Your manager no longer sees it."
        ),
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(recognition_url(recognition))
