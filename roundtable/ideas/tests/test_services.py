"""Ideas' writes: each rule, and each refusal leaving nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import RestrictedError

from roundtable.core.anonymity import capability_hash
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Challenge, CircleIdeaSettings, Critique, Idea, IdeaVersion
from roundtable.ideas.services import challenges, critiques, ideas
from roundtable.ideas.tests.helpers import (
    OTHER_REASON,
    REASON,
    critique_make,
    idea_make,
    make_anonymous,
)
from roundtable.testing.personas import second_program_create

pytestmark = pytest.mark.usefixtures("frozen_clock")

# --- challenges -------------------------------------------------------------------------------


def test_a_challenge_closes_with_a_summary_and_reopens(challenge):
    with pytest.raises(DomainError, match="summary"):
        challenges.challenge_close(challenge=challenge, summary="   ")
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN
    challenges.challenge_close(challenge=challenge, summary="Scripts cut calls by ten minutes.")
    challenge.refresh_from_db()
    assert (challenge.status, challenge.closed_on) == ("closed", dt.date(2027, 3, 1))
    challenges.challenge_reopen(challenge=challenge)
    challenge.refresh_from_db()
    assert (challenge.status, challenge.closed_on) == ("open", None)


def test_a_challenge_for_a_circle_of_another_program_is_refused(personas):
    second = second_program_create(personas)
    with pytest.raises(DomainError, match="not a circle of"):
        challenges.challenge_create(
            program=personas.program,
            circle=second.east,
            posed_by=personas.members["coordinator"],
            title="T",
            description="D",
        )
    assert not Challenge.objects.exists()


def test_challenge_text_with_a_nul_is_refused(personas):
    with pytest.raises(DomainError, match="control characters"):
        challenges.challenge_create(
            program=personas.program,
            posed_by=personas.members["coordinator"],
            title="Calls\x00",
            description="D",
        )
    assert not Challenge.objects.exists()


# --- ideas ------------------------------------------------------------------------------------


def test_an_idea_is_revised_into_versions_and_critiques_keep_theirs(personas, challenge):
    author, lead = personas.members["member"], personas.members["lead"]
    idea = idea_make(challenge, personas.circle, author)
    critique = critique_make(idea, lead)
    ideas.idea_revise(
        idea=idea, member=author, summary="A shorter call script", how="One page.", effect="25'"
    )
    idea.refresh_from_db()
    assert idea.version == 2
    assert list(idea.versions.values_list("number", "summary")) == [
        (1, "A call script"),
        (2, "A shorter call script"),
    ]
    critique.refresh_from_db()
    assert critique.version.number == 1


def test_only_the_author_revises_a_named_idea(personas, challenge):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    with pytest.raises(DomainError, match="Only its author"):
        ideas.idea_revise(
            idea=idea, member=personas.members["lead"], summary="Mine now", how="x", effect="y"
        )
    assert IdeaVersion.objects.filter(idea=idea).count() == 1


def test_an_idea_for_a_program_wide_challenge_goes_to_the_proposers_circle(
    personas, program_challenge, peer
):
    idea = idea_make(program_challenge, personas.other_circle, peer)
    assert idea.circle == personas.other_circle
    with pytest.raises(DomainError, match="Only the members and the lead"):
        idea_make(program_challenge, personas.circle, peer)
    assert Idea.objects.count() == 1


def test_no_idea_for_a_closed_challenge_or_from_outside_the_circle(personas, challenge):
    with pytest.raises(DomainError, match="Only the members and the lead"):
        idea_make(challenge, personas.circle, personas.members["coordinator"])
    challenges.challenge_close(challenge=challenge, summary="Done.")
    with pytest.raises(DomainError, match="closed"):
        idea_make(challenge, personas.circle, personas.members["member"])
    assert not Idea.objects.exists()


def test_a_change_of_anonymity_applies_to_what_is_written_afterwards(personas, challenge):
    named = idea_make(challenge, personas.circle, personas.members["member"])
    make_anonymous(personas.circle)
    settings = CircleIdeaSettings.objects.get(circle=personas.circle)
    assert settings.anonymous_changed_on == dt.date(2027, 3, 1)
    anonymous, capability = ideas.idea_propose(
        challenge=challenge,
        circle=personas.circle,
        member=personas.members["member"],
        summary="Send an email first",
        how="A short email the day before.",
        effect="They expect the call.",
    )
    named.refresh_from_db()
    assert named.author == personas.members["member"]
    assert not named.anonymous
    assert anonymous.author is None
    assert anonymous.anonymous
    assert anonymous.edit_key_hash == capability_hash(capability or "")
    # ... and revising the named idea now keeps its name.
    ideas.idea_revise(
        idea=named, member=personas.members["member"], summary="Script v2", how="h", effect="e"
    )
    named.refresh_from_db()
    assert named.author == personas.members["member"]


def test_the_withdrawn_idea_takes_no_critique_and_no_revision(personas, challenge):
    author = personas.members["member"]
    idea = idea_make(challenge, personas.circle, author)
    ideas.idea_withdraw(idea=idea, member=author)
    with pytest.raises(DomainError, match="withdrawn"):
        critique_make(idea, personas.members["lead"])
    with pytest.raises(DomainError, match="withdrawn"):
        ideas.idea_revise(idea=idea, member=author, summary="s", how="h", effect="e")
    assert not Critique.objects.exists()


# --- critiques --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reasoning", "says"),
    [
        ("", "blank"),
        ("   \u200b ", "blank"),
        ("+1", "not why"),
        ("Agree!", "not why"),
        ("bad idea", "not why"),
        ("no", "not why"),
        ("👍", "not why"),
        ("+1 +1 +1 +1 +1 +1 +1", "not why"),
        ("It will not work here.", "too short"),
        ("no no no no no no no no no", "too short"),
    ],
)
def test_a_critique_without_a_reason_is_refused_with_a_hint(personas, challenge, reasoning, says):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    with pytest.raises(DomainError, match=says) as refused:
        critique_make(idea, personas.members["lead"], reasoning=reasoning)
    assert refused.value.field == "reasoning"
    if says != "blank":
        assert "a claim and why" in refused.value.message
    assert not Critique.objects.exists()


def test_a_short_real_reason_passes_and_cjk_counts_characters(personas, challenge):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    critique_make(
        idea, personas.members["lead"], reasoning="Calls shorten because scripts answer upfront"
    )
    critique_make(idea, personas.members["lead"], reasoning="台本があると通話が短くなる")
    assert Critique.objects.count() == 2


def test_a_critique_needs_a_stance_and_replies_go_one_level(personas, challenge):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    with pytest.raises(DomainError, match="stance"):
        critiques.critique_add(idea=idea, member=personas.members["lead"], reasoning=REASON)
    critique = critique_make(idea, personas.members["lead"])
    reply, _ = critiques.critique_add(
        idea=idea, member=personas.members["member"], reasoning=OTHER_REASON, parent=critique
    )
    assert (reply.parent, reply.stance) == (critique, "")
    with pytest.raises(DomainError, match="one level"):
        critiques.critique_add(
            idea=idea, member=personas.members["lead"], reasoning=REASON, parent=reply
        )
    assert Critique.objects.count() == 2


def test_endorsements_come_from_others_in_the_circle(personas, challenge, peer):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    critique = critique_make(idea, personas.members["lead"])
    with pytest.raises(DomainError, match="yours"):
        critiques.critique_endorse(critique=critique, member=personas.members["lead"])
    with pytest.raises(DomainError, match="Only the members"):
        critiques.critique_endorse(critique=critique, member=peer)
    critiques.critique_endorse(critique=critique, member=personas.members["member"])
    with pytest.raises(DomainError, match="already"):
        critiques.critique_endorse(critique=critique, member=personas.members["member"])
    assert critique.endorsements.count() == 1
    critiques.critique_unendorse(critique=critique, member=personas.members["member"])
    assert critique.endorsements.count() == 0


def test_an_anonymous_author_cannot_endorse_their_own_critique(personas, challenge):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    make_anonymous(personas.circle)
    critique, capability = critiques.critique_add(
        idea=idea, member=personas.members["lead"], stance="strength", reasoning=REASON
    )
    with pytest.raises(DomainError, match="yours"):
        critiques.critique_endorse(
            critique=critique, member=personas.members["lead"], capability=capability
        )
    assert not critique.endorsements.exists()


def test_editing_a_critique_moves_it_to_the_current_version(personas, challenge):
    author, lead = personas.members["member"], personas.members["lead"]
    idea = idea_make(challenge, personas.circle, author)
    critique = critique_make(idea, lead)
    ideas.idea_revise(idea=idea, member=author, summary="v2", how="h", effect="e")
    with pytest.raises(DomainError, match="Only its author"):
        critiques.critique_edit(critique=critique, member=author, reasoning=OTHER_REASON)
    with pytest.raises(DomainError, match="not why"):
        critiques.critique_edit(critique=critique, member=lead, reasoning="+1")
    critique.refresh_from_db()
    assert (critique.reasoning, critique.version.number) == (REASON, 1)
    critiques.critique_edit(critique=critique, member=lead, reasoning=OTHER_REASON)
    critique.refresh_from_db()
    assert (critique.reasoning, critique.version.number) == (OTHER_REASON, 2)


def test_hiding_needs_a_reason_and_keeps_the_row(personas, challenge):
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    critique = critique_make(idea, personas.members["member"])
    with pytest.raises(DomainError, match="reason must not be blank"):
        critiques.contribution_hide(contribution=critique, by=personas.members["lead"], reason="")
    with pytest.raises(DomainError, match="Say why"):
        critiques.contribution_hide(contribution=critique, by=personas.members["lead"], reason="x")
    critique.refresh_from_db()
    assert not critique.is_hidden
    critiques.contribution_hide(
        contribution=critique, by=personas.members["lead"], reason="A personal remark about Sam"
    )
    critique.refresh_from_db()
    assert critique.hidden_reason == "A personal remark about Sam"
    assert critique.hidden_on == dt.date(2027, 3, 1)
    assert critique.reasoning == REASON  # kept, shown as hidden
    with pytest.raises(DomainError, match="hid this"):
        critiques.critique_edit(
            critique=critique, member=personas.members["member"], reasoning=OTHER_REASON
        )


def test_a_program_with_critiques_and_a_trial_can_be_deleted_but_not_a_version_alone(
    personas, challenge
):
    """Critique.version and Trial.owner restrict deleting what they point to on its own, but
    never a cascade that removes the critique or the trial too."""
    idea = idea_make(challenge, personas.circle, personas.members["lead"])
    critique_make(idea, personas.members["member"])
    with pytest.raises(RestrictedError):
        idea.versions.get().delete()
    personas.program.delete()
    assert not Critique.objects.exists()
