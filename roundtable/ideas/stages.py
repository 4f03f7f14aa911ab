"""The steps an idea may take through its stages and when its temperature check is open: pure
rules over model instances, read by the decision services (which enforce them) and by the panel
(which offers only the steps they allow)."""

from __future__ import annotations

from roundtable.ideas.models import Idea, Stage, Trial

# Back to discussion is open from a trial (stop it and talk again) and from setting aside (take
# the idea up again); adoption is the last step.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.PROPOSED: (Stage.DISCUSSING,),
    Stage.DISCUSSING: (Stage.TRIAL, Stage.ADOPTED, Stage.SET_ASIDE),
    Stage.TRIAL: (Stage.ADOPTED, Stage.SET_ASIDE, Stage.DISCUSSING),
    Stage.SET_ASIDE: (Stage.DISCUSSING,),
    Stage.ADOPTED: (),
}
# Votes can be given and changed until a decision takes the idea past discussion.
VOTING_STAGES = frozenset({Stage.PROPOSED, Stage.DISCUSSING})


def label(stage: str) -> str:
    return str(Stage(stage).label)


def voting_open(idea: Idea) -> bool:
    return idea.stage in VOTING_STAGES and not idea.withdrawn


def step_refusal(*, idea: Idea, to_stage: str, trial: Trial | None) -> str | None:
    """Why the idea cannot move to `to_stage` now, in words a person can act on; None if it can.
    Besides the allowed steps: an idea is tried once (it has one trial), and a trial ends in
    adoption or setting aside only once its outcome is recorded against the measure."""
    if to_stage not in Stage.values:
        return "Choose the stage the idea moves to."
    if idea.withdrawn:
        return "This idea was withdrawn by its author: it takes no decisions."
    if to_stage == idea.stage:
        return f"The idea is already “{label(to_stage)}”."
    allowed = TRANSITIONS[idea.stage]
    if to_stage not in allowed:
        options = " or ".join(f"“{label(s)}”" for s in allowed)
        return f"An idea that is “{label(idea.stage)}” cannot move to “{label(to_stage)}”" + (
            f"; it can move to {options}." if allowed else ": adoption is the last step."
        )
    if to_stage == Stage.TRIAL and trial is not None:
        return "This idea has had its trial, and an idea is tried once: adopt it or set it aside."
    if (
        idea.stage == Stage.TRIAL
        and to_stage in (Stage.ADOPTED, Stage.SET_ASIDE)
        and (trial is None or not trial.result)
    ):
        return "Record the trial's outcome against its measure first, then decide."
    return None


def next_stages(*, idea: Idea, trial: Trial | None) -> list[str]:
    """The stages the idea can move to now, in the order they are offered."""
    return [
        s
        for s in TRANSITIONS[idea.stage]
        if step_refusal(idea=idea, to_stage=s, trial=trial) is None
    ]
