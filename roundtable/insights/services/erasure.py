"""Erasing a member at their request: an organisation admin removes or anonymises the person's
personal data, while the circle's history and every figure computed from it stay as they were.

Refused, with nothing changed: someone who is not an admin of the member's organisation; a
member already erased; the organisation's last admin (oneself included); the sponsor of a
program (another sponsor is chosen first, so the program still answers to someone).

The rule per model, and why. "Kept" means the row stays and now shows as "Erased member" (the
account's name); "[removed]" means the text is replaced by "[removed at the member's request]".

The person
- accounts.User: if the account belongs to this organisation alone, it is made unusable: name
  "Erased member", email a unique address under the reserved .invalid domain (no mail can reach
  it), unusable password, inactive, last sign-in forgotten; their sessions, API tokens, password
  reset emails and sign-in lockout records (django-axes, by email) are deleted, and so are their
  accounts.ApiToken rows. If the account is
  also a member of another organisation, it is theirs and that organisation's, not ours to
  change: the member is moved to a new unusable "Erased member" account, and the person's own
  account keeps working elsewhere.
- accounts.Invitation: this organisation's invitations to their email: deleted.
- orgs.Member: profile cleared (job role, department, location, hire date, experience, skills,
  approaches, manager), time zone back to the organisation's, role "member", inactive. Their
  weekly availability (orgs.AvailabilitySlot): deleted. People whose manager they were: no manager.
- programs.Enrolment, circles.CircleMembership: current ones end today (history is kept); a
  circle they lead has no lead; they stop coordinating programs (programs.Program's
  coordinators). A program's sponsor is refused (above).
- circles.PairRule naming them: deleted (a coordinator's note about them).
- circles.FormationRun.created_by: kept.

Meetings
- meetings.Attendance (theirs, and what they recorded): kept, so every attendance figure stays.
- meetings.Feedback under their name: rating kept; comment [removed] (their opinion, in their
  words). Anonymous feedback is untouched: nothing ties it to them.
- meetings.Rsvp: for meetings still to come, deleted; past ones kept.
- meetings.CalendarFeed: deleted (a secret address). Meetings to come that they were down to
  run: a rotating circle deals them to the next person (as when anyone leaves), else the lead.
- meetings.AgendaItem, NotesRevision: kept (the circle's agenda and notes).

Ideas
- ideas.Idea, IdeaVersion, Critique, CritiqueEndorsement, Challenge, Decision, Trial: kept. They
  are the circle's deliberation: others answered, endorsed and decided on them, and the funnel's
  figures count them. Anonymous ones are untouched.
- ideas.TemperatureVote and its changes: the vote kept (results stay), the reason [removed].

Commitments
- commitments.Commitment: kept (what was promised, by when, done or not: the on-time figures);
  the owner's answer and reason for dropping it [removed]. DateChange: kept, its reason
  [removed]. Escalation: kept; the owner's side [removed]. BusyPeriod: deleted.
- commitments.Activity (the append-only log): the text of the entries they wrote as reasons
  (declined, proposed something different, replied, moved, dropped, their side) [removed]. This
  is the one change ever made to that log: the database's append-only triggers are lifted and put
  back inside this erasure's transaction, so either both happen or neither does, and the log is
  append-only again the moment it commits.

Leadership
- leadership.Reflection, ReflectionCadence, PeerNote and SupportPlan they wrote: deleted (their
  private notes); PeerNote and SupportPlan any lead wrote about them: deleted. SharedProfile:
  deleted. LeadOnboarding: deleted.
- leadership.Recognition they received: kept (the count), message [removed], no longer shown to
  their manager. Recognition they gave, MissionLine, Mission, MissionAcknowledgement,
  AgreementVersion, AgreementAcknowledgement, AgreementAmendment: kept (the circle's mission and
  agreement, and who agreed to it).

Notifications
- notifications.Notice, NoticePreference, NotificationPreference, Notification (their emails,
  sent or due): deleted. Notices to other people that name them or quote their words (the app
  wrote "Sam declined: ..."): kept, with "Erased member" for the name and the removal notice for
  the words. Free text other people wrote (a critique that mentions them by name) is left as its
  author wrote it: a name in prose cannot be told from a word with certainty.

Insights
- insights.PulseAnswer, PulseReceipt: untouched; nothing ties an answer to anyone.

Elsewhere
- admin.LogEntry: the site operator's own record of the Django admin (organisation members are
  never staff), untouched.
- orgs.MemberErasure: the log of this erasure (below).

The log (orgs.MemberErasure) keeps who erased, when, the member's key, the reason given and the
number of rows each rule touched: no name, email or text of the member's."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from roundtable.accounts.lockout import email_normalise
from roundtable.accounts.models import ApiToken, Invitation
from roundtable.circles.models import CircleMembership, PairRule
from roundtable.circles.services import circle_remove_member, program_withdraw
from roundtable.commitments import append_only
from roundtable.commitments.models import Activity, BusyPeriod, Commitment, DateChange, Escalation
from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.core.permissions import forget_memberships
from roundtable.core.roles import Role
from roundtable.ideas.models import TemperatureVote, TemperatureVoteChange
from roundtable.leadership.models import (
    LeadOnboarding,
    PeerNote,
    Recognition,
    Reflection,
    ReflectionCadence,
    SharedProfile,
    SupportPlan,
)
from roundtable.meetings.models import CalendarFeed, Feedback, Meeting, Rsvp
from roundtable.meetings.services.rotation import rotation_assign
from roundtable.notifications.models import (
    Notice,
    NoticePreference,
    Notification,
    NotificationPreference,
)
from roundtable.orgs.models import AvailabilitySlot, Member, MemberErasure
from roundtable.programs.models import Enrolment, Program

ERASED_NAME = "Erased member"
REMOVED = "[removed at the member's request]"
ERASED_EMAIL_DOMAIN = "erased.invalid"
# A quoted text shorter than this is too common a word to look for in others' notices.
MIN_QUOTED = 4
QUOTES_PER_QUERY = 100
# The activity entries whose text is the member's own reason, in their words.
PERSONAL_ACTIVITY = (
    Activity.Kind.DECLINED,
    Activity.Kind.COUNTERED,
    Activity.Kind.REPLIED,
    Activity.Kind.MOVED,
    Activity.Kind.DROPPED,
    Activity.Kind.OWNER_SIDE,
)


def member_is_erased(*, member: Member) -> bool:
    return MemberErasure.objects.filter(
        organization_id=member.organization_id, member_pk=member.pk
    ).exists()


def member_erasure_refusal(*, member: Member, by: Member) -> str | None:
    """Why `by` may not erase `member` now, in a sentence; None when they may."""
    if by.organization_id != member.organization_id or by.role != Role.ADMIN or not by.is_active:
        return "Only an admin of the member's organisation can erase a member."
    if member_is_erased(member=member):
        return f"This member was already erased on {_erased_on(member)}."
    if member.role == Role.ADMIN and member.is_active:
        others = (
            Member.objects.filter(
                organization_id=member.organization_id, role=Role.ADMIN, is_active=True
            )
            .exclude(pk=member.pk)
            .exists()
        )
        if not others:
            who = "you are" if by.pk == member.pk else f"{member.name} is"
            return (
                f"{who.capitalize()} the organisation's last admin: make someone else an admin "
                "first, so that the organisation is never left without one."
            )
    sponsored = list(
        Program.objects.filter(sponsor=member).order_by("name").values_list("name", flat=True)
    )
    if sponsored:
        names = ", ".join(f"“{name}”" for name in sponsored)
        return (
            f"{member.name} sponsors {names}: choose another sponsor first, so that the "
            "program still answers to someone."
        )
    return None


def _erased_on(member: Member) -> str:
    erasure = MemberErasure.objects.filter(
        organization_id=member.organization_id, member_pk=member.pk
    ).first()
    return f"{erasure.erased_at:%d %b %Y}" if erasure else "an earlier day"


def _replace(queryset: QuerySet[Any], field: str) -> int:
    """Replace the non-empty text of `field` in `queryset` by the removal notice."""
    return queryset.exclude(**{field: ""}).update(**{field: REMOVED})


def _delete(queryset: QuerySet[Any]) -> int:
    deleted, _ = queryset.delete()
    return deleted


def _erased_email() -> str:
    return f"erased-{secrets.token_hex(16)}@{ERASED_EMAIL_DOMAIN}"


def _account_erase(member: Member, counts: dict[str, int]) -> None:
    user_model = get_user_model()
    user = member.user
    email = user.email
    shared = Member.objects.filter(user_id=user.pk).exclude(pk=member.pk).exists()
    counts["invitations deleted"] = _delete(
        Invitation.objects.filter(organization_id=member.organization_id, email__iexact=email)
    )
    if shared:
        # The account is also another organisation's member: it is not ours to change.
        placeholder = user_model(email=_erased_email(), full_name=ERASED_NAME, is_active=False)
        placeholder.set_unusable_password()
        placeholder.save()
        member.user = placeholder
        member.save(update_fields=["user", "updated_at"])
        forget_memberships(user)
        counts["account moved off (shared with another organisation)"] = 1
        return
    user.full_name = ERASED_NAME
    user.email = _erased_email()
    user.set_unusable_password()
    user.is_active = False
    user.last_login = None
    user.save(update_fields=["full_name", "email", "password", "is_active", "last_login"])
    forget_memberships(user)
    counts["account made unusable"] = 1
    counts["API tokens deleted"] = _delete(ApiToken.objects.filter(user=user))
    counts["sessions ended"] = _sessions_end(user.pk)
    counts["password reset emails deleted"] = _delete(Notification.objects.filter(user=user))
    username = email_normalise(email)
    counts["sign-in lockout records deleted"] = sum(
        _delete(model.objects.filter(username__in={username, email}))
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )


def _sessions_end(user_pk: int) -> int:
    """Delete the user's sessions (the database keeps them encoded: each is read once)."""
    mine = [
        session.pk
        for session in Session.objects.all().iterator(chunk_size=2000)
        if session.get_decoded().get("_auth_user_id") == str(user_pk)
    ]
    return _delete(Session.objects.filter(pk__in=mine)) if mine else 0


def _profile_erase(member: Member, counts: dict[str, int]) -> None:
    member.job_title = ""
    member.department = ""
    member.location = ""
    member.hire_date = None
    member.years_experience = None
    member.time_zone = member.organization.time_zone
    member.manager = None
    member.role = Role.MEMBER
    member.is_active = False
    member.save()
    member.skills.clear()
    member.approaches.clear()
    counts["profile cleared"] = 1
    counts["availability windows deleted"] = _delete(AvailabilitySlot.objects.filter(member=member))
    counts["reports without a manager"] = Member.objects.filter(manager=member).update(manager=None)


def _taking_part_end(member: Member, today: dt.date, counts: dict[str, int]) -> None:
    enrolments = Enrolment.objects.filter(member=member, withdrawn_on__isnull=True)
    ended = 0
    for enrolment in enrolments.select_related("program"):
        program_withdraw(program=enrolment.program, member=member, on=today)
        ended += 1
    left = 0
    for membership in CircleMembership.objects.filter(
        member=member, left_on__isnull=True
    ).select_related("circle__program"):
        circle_remove_member(circle=membership.circle, member=member, on=today)
        left += 1
    counts["enrolments ended"] = ended
    counts["circle memberships ended"] = left
    coordinated = list(member.coordinated_programs.all())
    for program in coordinated:
        program.coordinators.remove(member)
    counts["programs no longer coordinated"] = len(coordinated)
    counts["pair rules deleted"] = _delete(
        PairRule.objects.filter(Q(first=member) | Q(second=member))
    )


def _meetings_erase(member: Member, now: dt.datetime, counts: dict[str, int]) -> None:
    counts["feedback comments removed"] = _replace(
        Feedback.objects.filter(member=member, anonymous=False), "comment"
    )
    counts["replies to meetings to come deleted"] = _delete(
        Rsvp.objects.filter(member=member, meeting__starts_at__gte=now)
    )
    counts["calendar feeds deleted"] = _delete(CalendarFeed.objects.filter(member=member))
    upcoming = Meeting.objects.filter(runner=member, starts_at__gte=now)
    circles = {meeting.circle for meeting in upcoming.select_related("circle")}
    counts["meetings to come no longer theirs to run"] = upcoming.update(runner=None)
    # A rotating circle deals their turns to the people after them at once (as it does for
    # anyone who leaves), and its order forgets them.
    for circle in circles:
        rotation_assign(circle=circle, now=now)


def _ideas_erase(member: Member, counts: dict[str, int]) -> None:
    votes = TemperatureVote.objects.filter(member=member)
    counts["vote reasons removed"] = _replace(votes, "reason") + _replace(
        TemperatureVoteChange.objects.filter(vote__in=votes), "reason"
    )


def _commitments_erase(member: Member, counts: dict[str, int]) -> None:
    owned = Commitment.objects.filter(owner=member)
    counts["commitment answers and reasons removed"] = _replace(owned, "answer") + _replace(
        owned, "dropped_reason"
    )
    counts["date change reasons removed"] = _replace(
        DateChange.objects.filter(changed_by=member), "reason"
    )
    counts["escalation sides removed"] = _replace(
        Escalation.objects.filter(commitment__owner=member), "owner_side"
    )
    counts["busy periods deleted"] = _delete(BusyPeriod.objects.filter(member=member))
    log = Activity.objects.filter(actor_id=member.pk, kind__in=PERSONAL_ACTIVITY).exclude(
        text__in=["", REMOVED]
    )
    counts["activity log texts removed"] = _with_log_writable(lambda: log.update(text=REMOVED))


def _with_log_writable(change: Callable[[], int]) -> int:
    """Run `change` with the activity log's append-only triggers lifted, and put them back, in
    the caller's transaction: a failure rolls the lifting back too."""
    vendor = connection.vendor
    if vendor not in append_only.CREATE:
        raise RuntimeError(f"No append-only triggers known for {vendor}.")
    with connection.cursor() as cursor:
        for statement in append_only.DROP[vendor]:
            cursor.execute(statement)
    changed = change()
    with connection.cursor() as cursor:
        for statement in append_only.CREATE[vendor]:
            cursor.execute(statement)
    return changed


def _leadership_erase(member: Member, counts: dict[str, int]) -> None:
    counts["their private notes deleted"] = sum(
        _delete(model.objects.filter(author=member))
        for model in (Reflection, ReflectionCadence, PeerNote, SupportPlan)
    )
    counts["private notes about them deleted"] = _delete(
        PeerNote.objects.filter(peer=member)
    ) + _delete(SupportPlan.objects.filter(peer=member))
    counts["shared profile deleted"] = _delete(SharedProfile.objects.filter(member=member))
    counts["lead onboarding deleted"] = _delete(LeadOnboarding.objects.filter(lead=member))
    received = Recognition.objects.filter(recipient=member)
    received.filter(shared_with_manager=True).update(shared_with_manager=False)
    counts["recognition messages removed"] = _replace(received, "message")


def _their_words(member: Member) -> set[str]:
    """The texts in their own words that the rules above remove (read before they go), to find
    them where a notice to someone else quoted them."""
    owned = Commitment.objects.filter(owner=member)
    texts: list[str] = [
        *Feedback.objects.filter(member=member, anonymous=False).values_list("comment", flat=True),
        *TemperatureVote.objects.filter(member=member).values_list("reason", flat=True),
        *owned.values_list("answer", flat=True),
        *owned.values_list("dropped_reason", flat=True),
        *DateChange.objects.filter(changed_by=member).values_list("reason", flat=True),
        *Escalation.objects.filter(commitment__owner=member).values_list("owner_side", flat=True),
        *Activity.objects.filter(actor_id=member.pk, kind__in=PERSONAL_ACTIVITY).values_list(
            "text", flat=True
        ),
    ]
    return {text for text in texts if len(text.strip()) >= MIN_QUOTED}


def _notices_to_others_scrub(
    member: Member, name: str, words: set[str], counts: dict[str, int]
) -> None:
    """Notices to other people that name them ("Sam declined: ...") keep their point, with
    "Erased member" for the name and the removal notice for their words."""
    others = Notice.objects.filter(member__organization_id=member.organization_id).exclude(
        member=member
    )
    quoted = sorted(words)
    touched: set[int] = set()
    for start in range(0, max(len(quoted), 1), QUOTES_PER_QUERY):
        found = Q(title__contains=name) | Q(body__contains=name)
        for word in quoted[start : start + QUOTES_PER_QUERY]:
            found |= Q(title__contains=word) | Q(body__contains=word)
        for notice in others.filter(found).exclude(pk__in=touched):
            title, body = notice.title, notice.body
            for word in quoted:
                title = title.replace(word, REMOVED)
                body = body.replace(word, REMOVED)
            notice.title = title.replace(name, ERASED_NAME)[:200]
            notice.body = body.replace(name, ERASED_NAME)[:500]
            notice.save(update_fields=["title", "body"])
            touched.add(notice.pk)
    counts["notices to others that named them"] = len(touched)


def _notifications_erase(member: Member, counts: dict[str, int]) -> None:
    counts["notices deleted"] = _delete(Notice.objects.filter(member=member))
    counts["email and notice choices deleted"] = _delete(
        NoticePreference.objects.filter(member=member)
    ) + _delete(NotificationPreference.objects.filter(member=member))
    counts["emails deleted"] = _delete(Notification.objects.filter(member=member))


@transaction.atomic
def member_erase(*, member: Member, by: Member, reason: str, now: dt.datetime) -> MemberErasure:
    """Erase `member`'s personal data (see the module's rules) and log it; DomainError, with
    nothing changed, when `member_erasure_refusal` says no."""
    # Lock the organisation's admins: two erasures at once cannot remove the last two admins.
    list(
        Member.objects.select_for_update()
        .filter(organization_id=member.organization_id, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )
    member.refresh_from_db()
    refusal = member_erasure_refusal(member=member, by=by)
    if refusal is not None:
        raise DomainError(refusal)
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("Say why, in a few words (no names).", field="reason")
    counts: dict[str, int] = {}
    today = now.date()
    name, words = member.name, _their_words(member)
    # Withdraw first: the services that end memberships still see who the person was.
    _taking_part_end(member, today, counts)
    _meetings_erase(member, now, counts)
    _ideas_erase(member, counts)
    _commitments_erase(member, counts)
    _leadership_erase(member, counts)
    _notifications_erase(member, counts)
    _notices_to_others_scrub(member, name, words, counts)
    _profile_erase(member, counts)
    _account_erase(member, counts)
    # Their feedback, attendance and commitments counted in the figures of their programs.
    figures_changed(
        *Program.objects.filter(circles__memberships__member=member)
        .values_list("pk", flat=True)
        .distinct()
    )
    return MemberErasure.objects.create(
        organization_id=member.organization_id,
        member_pk=member.pk,
        erased_by=by,
        erased_at=now,
        reason=reason[:300],
        counts=counts,
    )
