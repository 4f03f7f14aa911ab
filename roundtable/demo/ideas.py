"""The demo's open critique: a challenge posed to the whole renewals project and attacked by three
circles from their own angles (one of them anonymous), a circle's own challenge in the demo lead's
circle and another in Summit; ideas revised in versions, critiques of every stance with replies
and endorsements, a hidden critique, temperature checks, decisions, a running trial and a finished
one with its outcome. Everything goes through the ideas services, in the order it happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Case, DateTimeField, Value, When

from roundtable.circles.models import Circle
from roundtable.ideas.models import (
    Challenge,
    CircleIdeaSettings,
    Critique,
    Idea,
    IdeaVersion,
    Stage,
    Trial,
)
from roundtable.ideas.services.challenges import challenge_create
from roundtable.ideas.services.critiques import contribution_hide, critique_add, critique_endorse
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.ideas import circle_idea_settings_update, idea_propose, idea_revise
from roundtable.ideas.services.notify import idea_url
from roundtable.ideas.services.temperature import vote_set, votes_hide, votes_reveal
from roundtable.ideas.services.trials import trial_outcome_record, trial_start
from roundtable.notifications.models import Notice
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

S, C, Q, A = (
    Critique.Stance.STRENGTH,
    Critique.Stance.CONCERN,
    Critique.Stance.QUESTION,
    Critique.Stance.ALTERNATIVE,
)
DECIDED_AT = dt.time(16, 30)  # decisions are taken at the end of a circle's meeting day
READ_AFTER_DAYS = 7  # older notices were read (and digested) long ago


class _Story:
    """Writes the history through the services, then dates each step to the day it happened.

    The services stamp what they write with today (a contribution keeps its day only, a notice
    its day and time); the demo's history lies in the past weeks, as its meetings do, so each
    step is dated afterwards with one update, its notices included. Where a service takes the
    moment (decisions, trials, votes) it is given it. Anonymous ideas' capabilities stay in
    memory only, as they would in their author's browser."""

    def __init__(self, *, today: dt.date) -> None:
        self.today = today
        self.capabilities: dict[object, str] = {}

    def day(self, ago: int) -> dt.date:
        return self.today - dt.timedelta(days=ago)

    def at(self, ago: int, circle: Circle) -> dt.datetime:
        return dt.datetime.combine(self.day(ago), DECIDED_AT, tzinfo=ZoneInfo(circle.time_zone))

    def _date_notices(self, idea: Idea, ago: int) -> None:
        moment = self.at(ago, idea.circle)
        read = {"read_at": moment, "digested_on": self.day(ago)} if ago > READ_AFTER_DAYS else {}
        # What the services stamped with today (a member's today may be a day behind London's),
        # and what a service given the moment (a decision) dated already.
        just_sent = models.Q(created_on__gte=self.today - dt.timedelta(days=1)) | models.Q(
            created_on=self.day(ago)
        )
        Notice.objects.filter(just_sent, url=idea_url(idea)).update(
            created_on=self.day(ago),
            # An anonymous source's notice keeps no time: it stays without one.
            created_at=Case(
                When(created_at__isnull=False, then=Value(moment)),
                default=None,
                output_field=DateTimeField(),
            ),
            **read,
        )

    def challenge(
        self,
        ago: int,
        *,
        program: Program,
        circle: Circle | None = None,
        posed_by: Member,
        title: str,
        description: str,
        context: str = "",
    ) -> Challenge:
        challenge = challenge_create(
            program=program,
            circle=circle,
            posed_by=posed_by,
            title=title,
            description=description,
            context=context,
        )
        moment = dt.datetime.combine(self.day(ago), dt.time(9), tzinfo=dt.UTC)
        Challenge.objects.filter(pk=challenge.pk).update(created_at=moment, updated_at=moment)
        return challenge

    def idea(
        self, ago: int, *, challenge: Challenge, by: Member, circle: Circle, text: Sequence[str]
    ) -> Idea:
        summary, how, effect = text
        idea, capability = idea_propose(
            challenge=challenge, circle=circle, member=by, summary=summary, how=how, effect=effect
        )
        if capability:
            self.capabilities[idea.pk] = capability
        Idea.objects.filter(pk=idea.pk).update(created_on=self.day(ago))
        IdeaVersion.objects.filter(idea=idea).update(created_on=self.day(ago))
        return idea

    def revise(self, ago: int, idea: Idea, *, by: Member, text: Sequence[str]) -> None:
        summary, how, effect = text
        version = idea_revise(
            idea=idea,
            member=by,
            capability=self.capabilities.get(idea.pk),
            summary=summary,
            how=how,
            effect=effect,
        )
        IdeaVersion.objects.filter(pk=version.pk).update(created_on=self.day(ago))
        idea.version = version.number
        self._date_notices(idea, ago)

    def critique(
        self,
        ago: int,
        idea: Idea,
        *,
        by: Member,
        stance: str = "",
        reasoning: str,
        evidence: str = "",
        parent: Critique | None = None,
        endorsed_by: Sequence[Member] = (),
    ) -> Critique:
        critique, _ = critique_add(
            idea=idea,
            member=by,
            stance=stance,
            reasoning=reasoning,
            evidence=evidence,
            parent=parent,
        )
        Critique.objects.filter(pk=critique.pk).update(created_on=self.day(ago))
        self._date_notices(idea, ago)
        for member in endorsed_by:
            critique_endorse(critique=critique, member=member)
        return critique

    def hide(self, ago: int, critique: Critique, *, by: Member, reason: str) -> None:
        contribution_hide(contribution=critique, by=by, reason=reason)
        Critique.objects.filter(pk=critique.pk).update(hidden_on=self.day(ago))
        self._date_notices(critique.idea, ago)

    def votes(
        self, ago: int, idea: Idea, readings: Sequence[tuple[Member, str, str]], *, hidden: bool
    ) -> None:
        """The circle's readings; the lead hides the results first when `hidden`, so that early
        votes do not anchor the rest."""
        if hidden:
            votes_hide(idea=idea)
        for member, value, reason in readings:
            vote_set(
                idea=idea, member=member, value=value, reason=reason, now=self.at(ago, idea.circle)
            )

    def decide(self, ago: int, idea: Idea, *, to: str, by: Member, rationale: str) -> None:
        idea_decide(
            idea=idea, to_stage=to, rationale=rationale, by=by, now=self.at(ago, idea.circle)
        )
        self._date_notices(idea, ago)

    def trial(
        self,
        ago: int,
        idea: Idea,
        *,
        by: Member,
        owner: Member,
        rationale: str,
        days: tuple[int, int, int],
        measure: str,
    ) -> Trial:
        """Start a trial `ago` days back; `days` are its start, end and review, counted from
        that decision (a review in the future is a running trial)."""
        starts, ends, review = (self.day(ago - d) for d in days)
        trial = trial_start(
            idea=idea,
            by=by,
            rationale=rationale,
            owner=owner,
            starts_on=starts,
            ends_on=ends,
            measure=measure,
            review_on=review,
            now=self.at(ago, idea.circle),
        )
        self._date_notices(idea, ago)
        return trial

    def outcome(self, ago: int, trial: Trial, *, by: Member, result: str, outcome: str) -> None:
        trial_outcome_record(
            trial=trial, by=by, result=result, outcome=outcome, now=self.at(ago, trial.idea.circle)
        )


def _people(circle: Circle) -> tuple[Member, list[Member]]:
    """The circle's lead and its other current members, longest-standing first."""
    memberships = circle.memberships.filter(left_on__isnull=True).select_related("member__user")
    peers = [
        m.member
        for m in sorted(memberships, key=lambda m: (m.joined_on, m.member_id))
        if m.member_id != circle.lead_id
    ]
    if circle.lead is None:
        raise ValueError(f"The demo's {circle} has no lead.")
    return circle.lead, peers


def demo_ideas_seed(
    *, programs: Sequence[Program], circles: Sequence[Circle], coordinator: Member, today: dt.date
) -> None:
    """Open critique in the demo: see the module's docstring. `programs` are the training
    program and the renewals project; `coordinator` poses the project-wide challenge."""
    story = _Story(today=today)
    by_name = {circle.name: circle for circle in circles}
    _renewals_lapsed(story, program=programs[1], by_name=by_name, coordinator=coordinator)
    _anvil_repeat_callouts(story, circle=by_name["Anvil"])
    _summit_long_calls(story, circle=by_name["Summit"])


# --- the project-wide challenge: three circles, three angles ----------------------------------

LAPSED_CONTEXT = """\
- Last quarter 212 service contracts lapsed; we reached a decision-maker on 38 of them (18%).
- On average we gave up after 4.6 attempts.
- When we *do* get a conversation, 44% renew.
- Call logs: https://intranet.northwind.example/renewals/lapsed

Tried already: calling at other times of day (no change) and a generic "we miss you" email
(2% replied)."""


def _renewals_lapsed(
    story: _Story, *, program: Program, by_name: dict[str, Circle], coordinator: Member
) -> None:
    challenge = story.challenge(
        56,
        program=program,
        posed_by=coordinator,
        title="Lapsed customers don't pick up",
        description=(
            "When a service contract lapses we call to win the customer back, and most of the "
            "time nobody answers: four calls in, we have spent an hour and learned nothing. Each "
            "circle: propose a way to get a lapsed customer into a real conversation within two "
            "weeks of the lapse."
        ),
        context=LAPSED_CONTEXT,
    )
    _harbour(story, challenge, by_name["Harbour"])
    _lantern(story, challenge, by_name["Lantern"])
    _meridian(story, challenge, by_name["Meridian"])


def _harbour(story: _Story, challenge: Challenge, circle: Circle) -> None:
    """Harbour's angle: make the call expected. Tried, met its measure, adopted."""
    lead, (ana, ben, cal, *rest) = _people(circle)
    dee = rest[0] if rest else lead
    idea = story.idea(
        49,
        challenge=challenge,
        circle=circle,
        by=ana,
        text=(
            "Email first with two call slots to pick from, then call at the slot",
            "The day after a lapse, the account's CSM sends a short plain-text email: what "
            "lapses with the contract (priority call-outs, the annual service) and two "
            "15-minute slots this week. The customer replies with a slot; we call then. No "
            "reply after three days: one call, then a second email.",
            "More lapsed customers in a real conversation: the call is expected, so answered.",
        ),
    )
    story.critique(
        47,
        idea,
        by=ben,
        stance=S,
        endorsed_by=[cal, lead],
        reasoning="An expected call gets answered: people screen unknown numbers, but not a "
        "time they chose themselves, and they will have the contract to hand.",
        evidence="Inside Sales tried booked callbacks for upgrades in spring: 52% of booked "
        "calls connected, against 21% of cold ones (sales ops report, April).",
    )
    concern = story.critique(
        46,
        idea,
        by=cal,
        stance=C,
        endorsed_by=[dee],
        reasoning="Two fixed slots in one week will not fit facilities managers, who plan "
        "their week on Monday; most will ignore both and we are back to cold calls.",
    )
    story.critique(
        46,
        idea,
        by=dee,
        stance=Q,
        reasoning="Who sends the email when the account's CSM has left or is on leave? A "
        "customer often lapses because nobody was looking after them.",
    )
    story.revise(
        44,
        idea,
        by=ana,
        text=(
            "Email first with a booking link for a 15-minute call, then call at the booked time",
            "The day after a lapse, the account's CSM (or the team's cover, when they are away) "
            "sends a short plain-text email: what lapses with the contract and a booking link for "
            "15-minute calls over the next five working days. Booked: the CSM calls at that time "
            "with the account's call-out history open. Not booked after three days: one call, then "
            "a second email from the engineer who last visited.",
            "The share of lapsed accounts we reach rises from 18% to 35% or more, with fewer "
            "wasted attempts per account.",
        ),
    )
    story.critique(
        45,
        idea,
        by=ana,
        parent=concern,
        reasoning="Fair point: version 2 replaces the two slots with a booking link over five "
        "working days, so they pick a time that fits their week.",
    )
    story.critique(
        43,
        idea,
        by=ben,
        stance=A,
        reasoning="Have the engineer mention the renewal on the last visit before the lapse: "
        "customers trust the engineer more than they trust us, and the visit happens anyway.",
    )
    story.decide(
        42,
        idea,
        to=Stage.DISCUSSING,
        by=lead,
        rationale=(
            "Two of us have tried a variant already; worth a proper discussion at the next meeting."
        ),
    )
    story.votes(
        40,
        idea,
        [
            (ben, "agree", "Booked calls worked for upgrades."),
            (cal, "agree", "With the booking link, yes."),
            (dee, "unsure", "Depends on who covers for absent CSMs."),
        ],
        hidden=False,
    )
    trial = story.trial(
        35,
        idea,
        by=lead,
        owner=ana,
        days=(1, 21, 23),
        rationale="The circle agrees a booked call should beat cold calling; the only way to "
        "know is to count, on every account that lapses over three weeks.",
        measure="Share of lapsed accounts reaching a conversation within 14 days of the lapse: "
        "at least 35% (baseline 18%), across at least 40 accounts.",
    )
    story.outcome(
        12,
        trial,
        by=ana,
        result=Trial.Result.MET,
        outcome="47 lapsed accounts emailed: 19 booked a call and 17 of those picked up; 4 more "
        "answered the follow-up call. 21 of 47 reached (45%), and 9 renewed within the month. "
        "Accounts that did not book behaved as before.",
    )
    story.decide(
        11,
        idea,
        to=Stage.ADOPTED,
        by=lead,
        rationale=(
            "It met its measure with room to spare: booking first is now how Harbour handles every "
            "lapse, and we share it with the other circles."
        ),
    )

    voicemail = story.idea(
        40,
        challenge=challenge,
        circle=circle,
        by=cal,
        text=(
            "Leave a voicemail on every attempt, with a direct number",
            "Every unanswered call ends in a 20-second voicemail: who we are, that the contract "
            "lapsed, and the CSM's direct line rather than the switchboard.",
            "Customers who screen calls hear us anyway and call back when it suits them.",
        ),
    )
    story.critique(
        39,
        voicemail,
        by=dee,
        stance=C,
        endorsed_by=[ana, ben],
        reasoning="Facilities teams share one voicemail box and rarely check it, so a message "
        "costs as much as a call and is seldom heard.",
        evidence="Our logs: 3 callbacks from 140 voicemails last quarter.",
    )
    story.decide(
        36,
        voicemail,
        to=Stage.DISCUSSING,
        by=lead,
        rationale=("Cheap to try, but the logs say otherwise: talk it through."),
    )
    story.decide(
        33,
        voicemail,
        to=Stage.SET_ASIDE,
        by=lead,
        rationale=(
            "Voicemails take as long as a call and almost nobody calls back; the booked-call trial "
            "answers the same need."
        ),
    )


def _lantern(story: _Story, challenge: Challenge, circle: Circle) -> None:
    """Lantern's angle: make it personal. On trial now (the review is still to come)."""
    lead, (fay, gus, hal, *rest) = _people(circle)
    ivy = rest[0] if rest else lead
    idea = story.idea(
        42,
        challenge=challenge,
        circle=circle,
        by=fay,
        text=(
            "Send a 60-second video from the CSM instead of a fourth call",
            "After three unanswered calls, the CSM records a one-minute video on their phone: "
            "the customer's name, what the contract covered last year (call-outs, parts), one "
            "question. Sent by email with a thumbnail; replies go to the CSM directly.",
            "Customers who ignore a number answer a face: more replies, warmer conversations.",
        ),
    )
    story.critique(
        41,
        idea,
        by=gus,
        stance=S,
        endorsed_by=[hal, lead],
        reasoning="A face makes it personal and shows effort, which is the point in a "
        "relationship business; it also gets forwarded to whoever signs.",
        evidence="https://intranet.northwind.example/renewals/video-pilot: the partner team's "
        "pilot got replies from 11 of 40 video emails, against 3 of 40 plain ones.",
    )
    camera = story.critique(
        40,
        idea,
        by=hal,
        stance=C,
        endorsed_by=[ivy],
        reasoning="Recording a good minute takes ten, and some of us freeze on camera; made "
        "the standard, it quietly favours the confident over the competent.",
    )
    story.critique(
        40,
        idea,
        by=lead,
        stance=Q,
        reasoning="Where are the videos stored, and for how long? Customers' names and contract "
        "details end up in them.",
    )
    rude = story.critique(
        39,
        idea,
        by=ivy,
        stance=C,
        reasoning="Of course the one who spends all morning on their hair wants us on camera; "
        "some of us have actual work to do.",
    )
    story.hide(39, rude, by=lead, reason="A personal remark about a colleague, not about the idea.")
    story.revise(
        37,
        idea,
        by=fay,
        text=(
            "Offer a 60-second video from the CSM after the first unanswered call",
            "After the first unanswered call, the CSM may record a one-minute video instead of "
            "calling again: the customer's name, what the contract covered last year, one "
            "question. It is an option, never a rule. Videos live in the company's video tool "
            "(no personal accounts) and are deleted after 90 days.",
            "More replies from lapsed customers, sooner, without anyone having to go on camera.",
        ),
    )
    story.critique(
        37,
        idea,
        by=fay,
        parent=camera,
        reasoning="Agreed it should not be forced: version 2 makes it an option, and the trial "
        "will count how long each video takes.",
    )
    story.critique(
        36,
        idea,
        by=gus,
        stance=A,
        endorsed_by=[hal],
        reasoning="Send a voice note instead: the same personal touch for a fraction of the "
        "effort, and nobody worries about how they look.",
    )
    story.decide(
        34,
        idea,
        to=Stage.DISCUSSING,
        by=lead,
        rationale=("Enough for and against to talk it through at Thursday's meeting."),
    )
    story.votes(
        32,
        idea,
        [
            (gus, "agree", "The pilot numbers are good."),
            (hal, "unsure", "Fine as an option; watch the time it takes."),
            (ivy, "agree", ""),
            (fay, "agree", ""),
        ],
        hidden=True,
    )
    votes_reveal(idea=idea)
    story.trial(
        10,
        idea,
        by=lead,
        owner=fay,
        days=(1, 29, 31),
        rationale="Most of the circle agrees and the storage question is answered; the time it "
        "takes is the open risk, so the trial measures it.",
        measure="At least 25% of video emails answered across 30 lapsed accounts (plain "
        "follow-up emails: 6%), with no video taking more than 15 minutes to make.",
    )

    closing = story.idea(
        5,
        challenge=challenge,
        circle=circle,
        by=hal,
        text=(
            "Stop after three attempts and send a 'closing your file' email",
            "Three unanswered attempts, then one polite email saying we will close the account's "
            "file on a given date unless they would like a call.",
            "A clear last step that often prompts a reply, and an end to open-ended chasing.",
        ),
    )
    story.critique(
        4,
        closing,
        by=gus,
        stance=Q,
        reasoning="Does 'closing your file' read as a threat to a customer who is simply busy? "
        "I would test the wording on two or three friendly customers first.",
    )


MERIDIAN_GUIDELINE = (
    "Argue with the idea, never the person. Start from the customer's side: what would they say? "
    "Back a claim with a number or a call you made."
)


def _meridian(story: _Story, challenge: Challenge, circle: Circle) -> None:
    """Meridian's angle: call someone else. The circle writes anonymously: no author is kept."""
    lead, (jo, kit, lee, *rest) = _people(circle)
    mo = rest[0] if rest else lead
    circle_idea_settings_update(circle=circle, guideline=MERIDIAN_GUIDELINE, anonymous=True)
    CircleIdeaSettings.objects.filter(circle=circle).update(anonymous_changed_on=story.day(52))
    idea = story.idea(
        41,
        challenge=challenge,
        circle=circle,
        by=jo,
        text=(
            "Call the day-to-day site contact, not the person who signed",
            "Our lapse calls go to whoever signed the contract, usually someone in finance or "
            "procurement who has never met us. Instead, call the site contact who books the "
            "engineers: ask how the year went and who decides on the renewal now.",
            "A warm conversation with someone who felt the service, and a route to the "
            "decision-maker through them.",
        ),
    )
    story.critique(
        40,
        idea,
        by=kit,
        stance=S,
        endorsed_by=[lee, mo],
        reasoning="The site contact is the one who notices when the boiler fails, so they feel "
        "the lapse first and have a reason to push for the renewal inside.",
        evidence="Of our 12 win-backs last quarter, 8 came through a site contact rather than "
        "the signatory (Meridian's call notes).",
    )
    around = story.critique(
        39,
        idea,
        by=lee,
        stance=C,
        endorsed_by=[kit],
        reasoning="Going around the signatory can annoy them: procurement teams in larger "
        "accounts insist renewals go through them, and we risk the whole relationship.",
    )
    story.critique(
        38,
        idea,
        by=mo,
        stance=Q,
        reasoning="How do we find the site contact's number when the CRM only holds the "
        "signatory's details?",
    )
    story.revise(
        34,
        idea,
        by=jo,
        text=(
            "Call the day-to-day site contact first, and ask who decides",
            "Ask the engineer who visits most often for the site contact's name and best time, and "
            "note it in the CRM. Call them first: ask how the year went and who decides on the "
            "renewal now, then ask them to introduce us. We do not pitch the renewal to them.",
            "A warm introduction to whoever decides, instead of a cold call to a finance inbox.",
        ),
    )
    story.critique(
        33,
        idea,
        by=jo,
        parent=around,
        reasoning="That is why version 2 asks who decides rather than pitching: the site contact "
        "introduces us to the signatory, never replaces them.",
    )
    story.critique(
        32,
        idea,
        by=kit,
        stance=A,
        reasoning="Send the signatory a one-page summary of last year's call-outs and fixes, then "
        "call: give them a reason to pick up instead of going round them.",
    )
    story.decide(
        30,
        idea,
        to=Stage.DISCUSSING,
        by=lead,
        rationale=("A real disagreement about procurement; the next meeting takes it up."),
    )
    story.votes(
        28,
        idea,
        [
            (kit, "agree", ""),
            (lee, "disagree", "Too risky with the big accounts."),
            (mo, "unsure", ""),
        ],
        hidden=True,
    )


# --- circles' own challenges -------------------------------------------------------------------


def _anvil_repeat_callouts(story: _Story, *, circle: Circle) -> None:
    """The demo lead's circle: its own challenge, the demo member's idea under discussion with
    the temperature results still hidden (the lead reveals them), and a newer idea."""
    lead, peers = _people(circle)
    daniel = next(m for m in peers if m.user.email.startswith("member@"))
    ed, fi, *rest = [m for m in peers if m != daniel]
    gil = rest[0] if rest else lead
    challenge = story.challenge(
        28,
        program=circle.program,
        circle=circle,
        posed_by=lead,
        title="Repeat call-outs on the Vireo 24 combi",
        description=(
            "One in five call-outs to a Vireo 24 combi boiler is followed by another within 30 "
            "days, mostly for the same fault: the condensate trap. We fix the symptom, leave, and "
            "are called back. What would make the first visit the last?"
        ),
        context="- Repeat rate on the Vireo 24: 21% (all models: 9%)\n"
        "- The commonest second-visit note: 'condensate trap blocked or leaking'\n"
        "- Van stock: https://intranet.northwind.example/parts/vireo-24",
    )
    idea = story.idea(
        26,
        challenge=challenge,
        circle=circle,
        by=daniel,
        text=(
            "Clean and photograph the condensate trap on every Vireo 24 visit",
            "Whatever the call-out is for, on a Vireo 24 we clean the trap, check the pipe's fall "
            "and attach a photo of the trap to the job before closing it. About ten minutes.",
            "Fewer repeat call-outs on that model, and a record of what was done.",
        ),
    )
    story.critique(
        25,
        idea,
        by=ed,
        stance=S,
        endorsed_by=[fi, lead],
        reasoning="The trap is the fault we keep coming back for, so ten minutes on it now "
        "saves a whole second visit later.",
        evidence="Job data for March: 14 of the 19 Vireo repeats named the trap.",
    )
    story.critique(
        24,
        idea,
        by=fi,
        stance=C,
        reasoning="Ten minutes on every visit adds up on a full day of jobs, and customers who "
        "called about something else will ask why we are taking longer.",
    )
    question = story.critique(
        24,
        idea,
        by=lead,
        stance=Q,
        reasoning="Does the photo go in the job notes or on the asset record? On site, the next "
        "engineer only sees the asset record.",
    )
    story.revise(
        20,
        idea,
        by=daniel,
        text=(
            "Clean and photograph the condensate trap on every Vireo 24 visit",
            "Whatever the call-out is for, on a Vireo 24 we clean the trap, check the pipe's fall "
            "and attach a photo of the trap to the boiler's asset record before closing the job. "
            "About ten minutes; we tell the customer why.",
            "Fewer repeat call-outs on that model, and a record the next engineer sees on site.",
        ),
    )
    story.critique(
        20,
        idea,
        by=daniel,
        parent=question,
        reasoning="On the asset record: version 2 says so, since that is what the next engineer "
        "opens on site.",
    )
    story.critique(
        19,
        idea,
        by=gil,
        stance=A,
        endorsed_by=[ed],
        reasoning="Fit the redesigned trap on the first visit instead: the old part clogs "
        "whatever we do, and the new one costs less than a second visit.",
    )
    story.decide(
        18,
        idea,
        to=Stage.DISCUSSING,
        by=lead,
        rationale=("Clear for and against; we weigh it against fitting the new trap next week."),
    )
    story.votes(
        17, idea, [(ed, "agree", ""), (fi, "unsure", "Only if the time is booked.")], hidden=True
    )

    kit = story.idea(
        7,
        challenge=challenge,
        circle=circle,
        by=ed,
        text=(
            "Carry a Vireo 24 trap seal kit on every van",
            "Add the seal kit (two seals and a trap) to every van's standard stock.",
            "A leaking trap is fixed on the first visit instead of after a parts order.",
        ),
    )
    story.critique(
        6,
        kit,
        by=gil,
        stance=Q,
        reasoning="How much van space does the kit take, and who restocks it after each use?",
    )


def _summit_long_calls(story: _Story, *, circle: Circle) -> None:
    lead, (pat, quin, *rest) = _people(circle)
    challenge = story.challenge(
        16,
        program=circle.program,
        circle=circle,
        posed_by=lead,
        title="Renewal calls run long",
        description=(
            "Our renewal calls average 48 minutes, yet the customer has usually decided within "
            "the first ten. The rest is us walking through the contract line by line. How do we "
            "get to the decision sooner without it feeling rushed?"
        ),
    )
    idea = story.idea(
        13,
        challenge=challenge,
        circle=circle,
        by=pat,
        text=(
            "Send the year in review the day before the call",
            "One page, the day before: call-outs, parts, response times, what changes in the "
            "renewal, and the one question we need answered. The call starts from that question.",
            "Calls of 20 to 25 minutes that end with a decision or a clear next step.",
        ),
    )
    story.critique(
        12,
        idea,
        by=quin,
        stance=S,
        endorsed_by=[lead, *rest[:1]],
        reasoning="Customers decide faster when they have seen the numbers beforehand, and "
        "the call can then be about their questions rather than our slides.",
    )
    story.critique(
        11,
        idea,
        by=lead,
        stance=C,
        reasoning="Most customers will not read it before the call, so we would be writing a "
        "page a day for nothing.",
        evidence="Open rates of our pre-call emails last year: 31%.",
    )
