"""Everything Roundtable holds about a member, for the member: their account and profile, where
they took part, what they wrote under their name, what they were given, their own private notes
as a lead (decrypted: they are the author), their notices and choices, and their API tokens
(names and days, never a secret).

What is not here, and why: anonymous contributions (ideas, critiques, feedback, pulse answers)
are stored with no member, so nothing can find them for anyone, the member included; other
people's private notes about them (a lead's peer note or support plan) are their author's alone;
circle-formation rules a coordinator set about them are the program's planning. A fixed number
of queries, one or two per section, whatever the member did."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404

from roundtable.accounts.models import ApiToken
from roundtable.circles.models import CircleMembership
from roundtable.commitments.models import Activity, BusyPeriod, Commitment, DateChange, Escalation
from roundtable.core import permissions
from roundtable.ideas.models import (
    Challenge,
    Critique,
    CritiqueEndorsement,
    Decision,
    Idea,
    IdeaVersion,
    TemperatureVote,
    TemperatureVoteChange,
    Trial,
)
from roundtable.leadership.models import (
    AgreementAcknowledgement,
    AgreementAmendment,
    LeadOnboarding,
    MissionAcknowledgement,
    MissionLine,
    PeerNote,
    Recognition,
    Reflection,
    ReflectionCadence,
    SharedProfile,
    SupportPlan,
)
from roundtable.meetings.models import AgendaItem, Attendance, CalendarFeed, Feedback, Rsvp
from roundtable.notifications.models import Notice, NoticePreference, NotificationPreference
from roundtable.orgs.models import Member
from roundtable.programs.models import Enrolment

Value = str | int | float | bool | None
Record = dict[str, Value]


@dataclass(frozen=True)
class Section:
    """One kind of thing held, as rows (one CSV file in the download, one list in the JSON)."""

    key: str
    title: str
    about: str
    rows: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class OwnData:
    member: Member
    compiled_at: dt.datetime
    account: Record
    profile: Record
    sections: list[Section]

    def as_dict(self) -> dict[str, Any]:
        return {
            "compiled_at": self.compiled_at.isoformat(),
            "organisation": self.member.organization.name,
            "account": self.account,
            "profile": self.profile,
            **{section.key: section.rows for section in self.sections},
        }


NOT_INCLUDED: tuple[tuple[str, str], ...] = (
    (
        "Anonymous ideas, critiques, meeting feedback and pulse answers",
        "They are stored with no name, no exact time and a random key, so that nobody can tell "
        "who wrote them. That protects you too: Roundtable itself cannot find which ones are "
        "yours, so it cannot put them in your download.",
    ),
    (
        "Other people's private notes about you",
        "A lead's peer notes and support plans are readable by their author alone, encrypted at "
        "rest; nobody else, admins included, can read them. They are in the author's download, "
        "not yours. If you are erased, notes about you are deleted.",
    ),
    (
        "Circle formation rules",
        "A coordinator may ask circle formation to keep two people apart or together. Those "
        "rules belong to the program's planning and name other people too.",
    ),
)


def own_data_member_get_for_user(*, user: Any, org_slug: str | None) -> Member:
    """The user's own member profile in the organisation `org_slug` (or their first): the data
    is the member's alone; anyone else gets Http404."""
    members = sorted(permissions.memberships(user).values(), key=lambda m: m.pk)
    for member in members:
        in_org = org_slug is None or member.organization.slug == org_slug
        if in_org and permissions.can_download_own_data(user, member):
            return member
    raise Http404("No such member.")


class _Clock:
    """Writes the member's moments in their own time zone, with the offset."""

    def __init__(self, zone: str) -> None:
        try:
            self.zone: dt.tzinfo = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.zone = dt.UTC

    def at(self, moment: dt.datetime | None) -> str | None:
        return moment.astimezone(self.zone).isoformat(timespec="minutes") if moment else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _name(member: Member | None) -> str | None:
    return member.name if member is not None else None


def _choice(name: str, value: Value) -> Record:
    return {"choice": name, "value": value}


def _rows(items: Iterable[Any], make: Any) -> list[Record]:
    return [make(item) for item in items]


def own_data(*, member: Member, now: dt.datetime) -> OwnData:
    """Everything held about `member` (their own profile, fetched by the caller with access)."""
    clock = _Clock(member.time_zone)
    at = clock.at
    user = member.user
    account: Record = {
        "name": user.full_name,
        "email": user.email,
        "joined": at(user.date_joined),
        "last_sign_in": at(user.last_login),
        "active": user.is_active,
    }
    skills = ", ".join(t.name for t in member.skills.all())
    approaches = ", ".join(t.name for t in member.approaches.all())
    profile: Record = {
        "organisation": member.organization.name,
        "role": member.get_role_display(),
        "job_role": member.job_title,
        "department": member.department,
        "location": member.location,
        "hire_date": _day(member.hire_date),
        "years_experience": float(member.years_experience)
        if member.years_experience is not None
        else None,
        "time_zone": member.time_zone,
        "manager": _name(member.manager),
        "skills": skills,
        "approaches": approaches,
        "active": member.is_active,
        "availability": "; ".join(str(slot) for slot in member.availability.all()),
    }
    sections = [
        *_taking_part(member, at),
        *_contributions(member, at),
        *_commitments(member, at),
        *_leadership(member, at),
        *_account(member, at),
    ]
    return OwnData(
        member=member, compiled_at=now, account=account, profile=profile, sections=sections
    )


def _taking_part(member: Member, at: Any) -> list[Section]:
    enrolments = Enrolment.objects.filter(member=member).select_related("program")
    memberships = CircleMembership.objects.filter(member=member).select_related("circle__program")
    attendance = (
        Attendance.objects.filter(member=member)
        .select_related("meeting__circle", "reported_by__user")
        .order_by("meeting__starts_at", "pk")
    )
    rsvps = Rsvp.objects.filter(member=member).select_related("meeting__circle")
    feedback = Feedback.objects.filter(member=member, anonymous=False).select_related(
        "meeting__circle"
    )
    return [
        Section(
            "enrolments",
            "Programs you were enrolled in",
            "When you joined each program and, if you left, when.",
            _rows(
                enrolments,
                lambda e: {
                    "program": e.program.name,
                    "enrolled_on": _day(e.enrolled_on),
                    "withdrawn_on": _day(e.withdrawn_on),
                },
            ),
        ),
        Section(
            "circles",
            "Circles you were in",
            "Each circle, when you joined and left it, and whether you lead it now.",
            _rows(
                memberships,
                lambda m: {
                    "circle": m.circle.name,
                    "program": m.circle.program.name,
                    "joined_on": _day(m.joined_on),
                    "left_on": _day(m.left_on),
                    "lead_now": m.circle.lead_id == member.pk,
                },
            ),
        ),
        Section(
            "attendance",
            "Your attendance",
            "Each meeting your attendance was recorded for, and who recorded it.",
            _rows(
                attendance,
                lambda a: {
                    "meeting_id": a.meeting_id,
                    "circle": a.meeting.circle.name,
                    "starts_at": at(a.meeting.starts_at),
                    "status": a.status,
                    "recorded_by": _name(a.reported_by),
                },
            ),
        ),
        Section(
            "rsvps",
            "Your replies to meeting invitations",
            "Whether you said you would come.",
            _rows(
                rsvps,
                lambda r: {
                    "meeting_id": r.meeting_id,
                    "circle": r.meeting.circle.name,
                    "starts_at": at(r.meeting.starts_at),
                    "response": r.response,
                },
            ),
        ),
        Section(
            "feedback",
            "Meeting feedback under your name",
            "Ratings and comments you gave with your name (anonymous feedback is not linked to "
            "you, so it is not here).",
            _rows(
                feedback,
                lambda f: {
                    "meeting_id": f.meeting_id,
                    "circle": f.meeting.circle.name,
                    "given_on": _day(f.given_on),
                    "rating": f.rating,
                    "comment": f.comment,
                },
            ),
        ),
    ]


def _contributions(member: Member, at: Any) -> list[Section]:
    ideas = list(
        Idea.objects.filter(author=member, anonymous=False).select_related("circle", "challenge")
    )
    versions = IdeaVersion.objects.filter(idea__in=ideas).order_by("idea_id", "number")
    by_idea: dict[Any, list[IdeaVersion]] = {}
    for version in versions:
        by_idea.setdefault(version.idea_id, []).append(version)
    critiques = Critique.objects.filter(author=member, anonymous=False).select_related(
        "idea__circle"
    )
    endorsements = CritiqueEndorsement.objects.filter(member=member).select_related(
        "critique__idea__circle"
    )
    votes = list(TemperatureVote.objects.filter(member=member).select_related("idea__circle"))
    changes = TemperatureVoteChange.objects.filter(vote__in=votes).order_by("changed_at", "pk")
    history: dict[int, list[str]] = {}
    for change in changes:
        history.setdefault(change.vote_id, []).append(
            f"{change.value} until {at(change.changed_at)}"
        )
    challenges = Challenge.objects.filter(posed_by=member).select_related("program", "circle")
    decisions = Decision.objects.filter(decided_by=member).select_related("idea__circle")
    trials = Trial.objects.filter(Q(owner=member) | Q(outcome_by=member)).select_related(
        "idea__circle"
    )
    agenda = AgendaItem.objects.filter(added_by=member).select_related("meeting__circle")
    return [
        Section(
            "ideas",
            "Ideas under your name",
            "Every version you wrote, its stage, and whether it was withdrawn or hidden.",
            [
                {
                    "idea_id": str(idea.pk),
                    "circle": idea.circle.name,
                    "challenge": idea.challenge.title,
                    "stage": idea.stage,
                    "proposed_on": _day(idea.created_on),
                    "withdrawn": idea.withdrawn,
                    "hidden_reason": idea.hidden_reason,
                    "versions": " | ".join(
                        f"v{v.number} ({_day(v.created_on)}): {v.summary}. How: {v.how}. "
                        f"Effect: {v.effect}"
                        for v in by_idea.get(idea.pk, [])
                    ),
                }
                for idea in ideas
            ],
        ),
        Section(
            "critiques",
            "Critiques and replies under your name",
            "What you argued, and your evidence.",
            _rows(
                critiques,
                lambda c: {
                    "critique_id": str(c.pk),
                    "idea_id": str(c.idea_id),
                    "circle": c.idea.circle.name,
                    "stance": c.stance or "reply",
                    "reasoning": c.reasoning,
                    "evidence": c.evidence,
                    "written_on": _day(c.created_on),
                    "withdrawn": c.withdrawn,
                    "hidden_reason": c.hidden_reason,
                },
            ),
        ),
        Section(
            "endorsements",
            "Arguments you endorsed",
            "Critiques you found convincing.",
            _rows(
                endorsements,
                lambda e: {
                    "critique_id": str(e.critique_id),
                    "idea_id": str(e.critique.idea_id),
                    "circle": e.critique.idea.circle.name,
                },
            ),
        ),
        Section(
            "temperature_votes",
            "Your temperature votes",
            "Your reading of each idea, with its earlier values.",
            [
                {
                    "idea_id": str(v.idea_id),
                    "circle": v.idea.circle.name,
                    "value": v.value,
                    "reason": v.reason,
                    "earlier": "; ".join(history.get(v.pk, [])),
                }
                for v in votes
            ],
        ),
        Section(
            "challenges",
            "Challenges you posed",
            "Problems you put to a circle or a program.",
            _rows(
                challenges,
                lambda c: {
                    "title": c.title,
                    "program": c.program.name,
                    "circle": c.circle.name if c.circle else None,
                    "description": c.description,
                    "status": c.status,
                },
            ),
        ),
        Section(
            "decisions",
            "Decisions you recorded",
            "Steps of ideas through their stages that you recorded, with the rationale.",
            _rows(
                decisions,
                lambda d: {
                    "idea_id": str(d.idea_id),
                    "circle": d.idea.circle.name,
                    "from_stage": d.from_stage,
                    "to_stage": d.to_stage,
                    "rationale": d.rationale,
                    "decided_at": at(d.decided_at),
                },
            ),
        ),
        Section(
            "trials",
            "Trials you owned or reviewed",
            "Each trial's measure and outcome.",
            _rows(
                trials,
                lambda t: {
                    "idea_id": str(t.idea_id),
                    "circle": t.idea.circle.name,
                    "you_own_it": t.owner_id == member.pk,
                    "starts_on": _day(t.starts_on),
                    "ends_on": _day(t.ends_on),
                    "measure": t.measure,
                    "result": t.result,
                    "outcome": t.outcome,
                },
            ),
        ),
        Section(
            "agenda_items",
            "Agenda items you added",
            "What you put on meetings' agendas.",
            _rows(
                agenda,
                lambda a: {
                    "meeting_id": a.meeting_id,
                    "circle": a.meeting.circle.name,
                    "title": a.title,
                    "details": a.details,
                    "done": a.done,
                },
            ),
        ),
    ]


def _commitments(member: Member, at: Any) -> list[Section]:
    commitments = list(
        Commitment.objects.filter(Q(owner=member) | Q(asked_by=member))
        .select_related("circle", "owner__user", "asked_by__user")
        .order_by("created_at", "pk")
    )
    owned = [c.pk for c in commitments if c.owner_id == member.pk]
    date_changes = (
        DateChange.objects.filter(commitment_id__in=owned, changed_by=member)
        .select_related("commitment")
        .order_by("changed_at", "pk")
    )
    # The history of their own commitments, and what they did to others' (someone else's
    # answers and reasons on a commitment they asked for are that person's).
    activity = Activity.objects.filter(Q(commitment_id__in=owned) | Q(actor=member)).order_by(
        "at", "pk"
    )
    escalations = Escalation.objects.filter(
        Q(commitment_id__in=owned) | Q(raised_by=member)
    ).select_related("commitment")
    busy = BusyPeriod.objects.filter(member=member)
    return [
        Section(
            "commitments",
            "Commitments you made or asked for",
            "What, by when, its state, and what you wrote about it.",
            [_commitment_row(c, member, at) for c in commitments],
        ),
        Section(
            "date_changes",
            "Dates you set or moved",
            "Each date you chose for a commitment, and why it moved.",
            _rows(
                date_changes,
                lambda d: {
                    "commitment_id": d.commitment_id,
                    "title": d.commitment.title,
                    "from": at(d.from_due_at),
                    "to": at(d.to_due_at),
                    "reason": d.reason,
                    "changed_at": at(d.changed_at),
                },
            ),
        ),
        Section(
            "commitment_history",
            "The history of your commitments",
            "Everything that happened to the commitments above, and what you did to others'.",
            _rows(
                activity,
                lambda a: {
                    "commitment_id": a.commitment_id,
                    "what": a.get_kind_display(),
                    "by_you": a.actor_id == member.pk,
                    "text": a.text,
                    "at": at(a.at),
                },
            ),
        ),
        Section(
            "escalations",
            "Escalations of your commitments, or that you raised",
            "The reason given, your side and how it was resolved.",
            _rows(
                escalations,
                lambda e: {
                    "commitment_id": e.commitment_id,
                    "title": e.commitment.title,
                    "raised_by_you": e.raised_by_id == member.pk,
                    "raised_at": at(e.raised_at),
                    "reason": e.reason,
                    "your_side": e.owner_side if e.commitment.owner_id == member.pk else "",
                    "resolution": e.resolution,
                    "resolution_note": e.resolution_note,
                },
            ),
        ),
        Section(
            "busy_periods",
            "Your busy periods",
            "Stretches when you said you have less room.",
            _rows(
                busy,
                lambda b: {
                    "label": b.label,
                    "starts_on": _day(b.starts_on),
                    "ends_on": _day(b.ends_on),
                },
            ),
        ),
    ]


def _commitment_row(commitment: Commitment, member: Member, at: Any) -> Record:
    """A commitment they own, in full; one they asked someone else for, without what the owner
    wrote (their answer, note and reasons are the owner's)."""
    own = commitment.owner_id == member.pk
    return {
        "commitment_id": commitment.pk,
        "circle": commitment.circle.name,
        "title": commitment.title,
        "details": commitment.details,
        "owner": _name(commitment.owner),
        "asked_by": _name(commitment.asked_by),
        "status": commitment.status,
        "due_at": at(commitment.due_at),
        "done_at": at(commitment.done_at),
        "answer": commitment.answer if own else "",
        "done_note": commitment.done_note if own else "",
        "done_link": commitment.done_link if own else "",
        "dropped_reason": commitment.dropped_reason if own else "",
    }


def _leadership(member: Member, at: Any) -> list[Section]:
    recognitions = Recognition.objects.filter(
        Q(recipient=member) | Q(given_by=member)
    ).select_related("circle", "recipient__user", "given_by__user")
    shared = SharedProfile.objects.filter(member=member)
    lines = MissionLine.objects.filter(author=member).select_related("circle")
    mission_acks = MissionAcknowledgement.objects.filter(member=member).select_related(
        "mission__circle"
    )
    agreement_acks = AgreementAcknowledgement.objects.filter(member=member).select_related(
        "version__agreement__circle"
    )
    amendments = AgreementAmendment.objects.filter(proposed_by=member).select_related(
        "agreement__circle"
    )
    onboarding = LeadOnboarding.objects.filter(lead=member).select_related("circle")
    # The member's own private notes as a lead, read back as text (they are their author).
    reflections = Reflection.objects.filter(author=member).select_related("circle")
    cadences = ReflectionCadence.objects.filter(author=member).select_related("circle")
    peer_notes = PeerNote.objects.filter(author=member).select_related("circle", "peer__user")
    plans = SupportPlan.objects.filter(author=member).select_related("circle", "peer__user")
    return [
        Section(
            "recognition",
            "Recognition you received or gave",
            "Contributions credited, and whether you showed one to your manager.",
            _rows(
                recognitions,
                lambda r: {
                    "circle": r.circle.name,
                    "received": r.recipient_id == member.pk,
                    "from": _name(r.given_by),
                    "to": _name(r.recipient),
                    "kind": r.get_kind_display(),
                    "message": r.message,
                    "shared_with_manager": r.shared_with_manager,
                    "on": at(r.created_at),
                },
            ),
        ),
        Section(
            "shared_profile",
            "What you share with your circles",
            "Your goals and what you can help with, in your own words.",
            _rows(
                shared,
                lambda s: {
                    "goals": s.goals,
                    "can_help_with": s.can_help_with,
                    "share_busy_periods": s.share_busy_periods,
                },
            ),
        ),
        Section(
            "mission_lines",
            "Lines you proposed for a circle's mission",
            "",
            _rows(
                lines,
                lambda m: {
                    "circle": m.circle.name,
                    "text": m.text,
                    "withdrawn_on": _day(m.withdrawn_on),
                },
            ),
        ),
        Section(
            "acknowledgements",
            "Missions and working agreements you acknowledged",
            "",
            [
                *(
                    {
                        "what": f"Mission v{a.mission.number}",
                        "circle": a.mission.circle.name,
                        "on": at(a.acknowledged_at),
                    }
                    for a in mission_acks
                ),
                *(
                    {
                        "what": f"Working agreement v{a.version.number}",
                        "circle": a.version.agreement.circle.name,
                        "on": at(a.acknowledged_at),
                    }
                    for a in agreement_acks
                ),
            ],
        ),
        Section(
            "amendments",
            "Changes you proposed to working agreements",
            "",
            _rows(
                amendments,
                lambda a: {
                    "circle": a.agreement.circle.name,
                    "reason": a.reason,
                    "status": a.status,
                    "proposed_on": at(a.created_at),
                },
            ),
        ),
        Section(
            "lead_onboarding",
            "Your lead onboarding",
            "",
            _rows(
                onboarding,
                lambda o: {
                    "circle": o.circle.name,
                    "step": o.step,
                    "finished_on": _day(o.finished_on),
                    "skipped_on": _day(o.skipped_on),
                },
            ),
        ),
        Section(
            "reflections",
            "Your reflections as a lead (private)",
            "Only you can read them; here they are decrypted for you.",
            _rows(
                reflections,
                lambda r: {
                    "circle": r.circle.name,
                    "written_on": _day(r.written_on),
                    "the_leader_i_want_to_be": r.leader,
                    "my_goals": r.goals,
                    "outcomes_for_the_circle": r.outcomes,
                },
            ),
        ),
        Section(
            "reflection_reminders",
            "How often you asked to revisit your reflections",
            "",
            _rows(
                cadences,
                lambda c: {
                    "circle": c.circle.name,
                    "every_weeks": c.every_weeks,
                    "next_prompt_on": _day(c.next_prompt_on),
                },
            ),
        ),
        Section(
            "peer_notes",
            "Your notes on peers as a lead (private)",
            "Your own notes on the people in circles you led; only you can read them.",
            _rows(
                peer_notes,
                lambda n: {
                    "circle": n.circle.name,
                    "peer": _name(n.peer),
                    "goals": n.goals,
                    "needs": n.needs,
                    "load": n.load,
                    "support": n.support,
                },
            ),
        ),
        Section(
            "support_plans",
            "Your support plans as a lead (private)",
            "How you meant to support each peer; only you can read them.",
            _rows(
                plans,
                lambda p: {
                    "circle": p.circle.name,
                    "peer": _name(p.peer),
                    "approach": p.approach,
                    "next_step": p.next_step,
                    "review_on": _day(p.review_on),
                    "closed_on": _day(p.closed_on),
                },
            ),
        ),
    ]


def _account(member: Member, at: Any) -> list[Section]:
    notices = Notice.objects.filter(member=member)
    notice_choices = NoticePreference.objects.filter(member=member)
    email_choices = NotificationPreference.objects.filter(member=member)
    tokens = ApiToken.objects.filter(user_id=member.user_id)
    feed = CalendarFeed.objects.filter(member=member)
    return [
        Section(
            "notices",
            "Notices sent to you",
            "What the app told you, and when you read it.",
            _rows(
                notices,
                lambda n: {
                    "kind": n.get_kind_display(),
                    "title": n.title,
                    "body": n.body,
                    "on": _day(n.created_on),
                    "read_at": at(n.read_at),
                },
            ),
        ),
        Section(
            "email_choices",
            "Your email and notice choices",
            "",
            [
                *(
                    _choice(field_name, getattr(p, field_name))
                    for p in email_choices
                    for field_name in (
                        "reminders",
                        "changes",
                        "wrapups",
                        "commitments",
                        "health_digest",
                    )
                ),
                *(_choice(f"notice: {p.kind}", p.delivery) for p in notice_choices),
            ],
        ),
        Section(
            "api_tokens",
            "Your API tokens",
            "Names and days only: a token's secret is never stored, and never shown again.",
            _rows(
                tokens,
                lambda t: {
                    "name": t.name,
                    "created_on": _day(t.created_at.date()),
                    "last_used_on": _day(t.last_used_at.date()) if t.last_used_at else None,
                    "revoked_on": _day(t.revoked_at.date()) if t.revoked_at else None,
                },
            ),
        ),
        Section(
            "calendar_feed",
            "Your calendar subscription",
            "Whether you have one (its secret address is not included).",
            _rows(feed, lambda f: {"created_at": at(f.created_at)}),
        ),
    ]
