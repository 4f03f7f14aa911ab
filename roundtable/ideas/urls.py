"""Open critique's pages: challenges, ideas, critiques and a circle's settings for critique."""

from __future__ import annotations

from django.urls import URLPattern, path

from roundtable.ideas.views import (
    agenda,
    challenges,
    critiques,
    decisions,
    ideas,
    points_of_view,
    voice,
)

app_name = "ideas"

urlpatterns: list[URLPattern] = [
    # challenges
    path(
        "circles/<int:circle_pk>/challenges/",
        challenges.circle_challenge_list,
        name="circle_challenges",
    ),
    path(
        "circles/<int:circle_pk>/challenges/new/",
        challenges.circle_challenge_create,
        name="circle_challenge_create",
    ),
    path(
        "programs/<int:program_pk>/challenges/",
        challenges.program_challenge_list,
        name="program_challenges",
    ),
    path(
        "programs/<int:program_pk>/challenges/new/",
        challenges.program_challenge_create,
        name="program_challenge_create",
    ),
    path("challenges/<int:pk>/", challenges.challenge_detail, name="challenge_detail"),
    path("challenges/<int:pk>/edit/", challenges.challenge_edit, name="challenge_edit"),
    path("challenges/<int:pk>/close/", challenges.challenge_close, name="challenge_close"),
    path("challenges/<int:pk>/reopen/", challenges.challenge_reopen, name="challenge_reopen"),
    # ideas
    path("challenges/<int:challenge_pk>/ideas/new/", ideas.idea_propose, name="idea_propose"),
    path("ideas/<uuid:pk>/", ideas.idea_detail, name="idea_detail"),
    path("ideas/<uuid:pk>/revise/", ideas.idea_revise, name="idea_revise"),
    path("ideas/<uuid:pk>/withdraw/", ideas.idea_withdraw, name="idea_withdraw"),
    path("ideas/<uuid:pk>/hide/", ideas.idea_hide, name="idea_hide"),
    path("circles/<int:circle_pk>/ideas-settings/", ideas.circle_settings, name="circle_settings"),
    # critiques
    path("ideas/<uuid:pk>/critiques/", critiques.critique_add, name="critique_add"),
    path(
        "ideas/<uuid:pk>/critiques/<uuid:critique_pk>/edit/",
        critiques.critique_edit,
        name="critique_edit",
    ),
    path(
        "ideas/<uuid:pk>/critiques/<uuid:critique_pk>/withdraw/",
        critiques.critique_withdraw,
        name="critique_withdraw",
    ),
    path(
        "ideas/<uuid:pk>/critiques/<uuid:critique_pk>/endorse/",
        critiques.critique_endorse,
        name="critique_endorse",
    ),
    path(
        "ideas/<uuid:pk>/critiques/<uuid:critique_pk>/hide/",
        critiques.critique_hide,
        name="critique_hide",
    ),
    # --- decisions, temperature, trials
    path("ideas/<uuid:pk>/decisions/", decisions.decision_panel, name="decision_panel"),
    path("ideas/<uuid:pk>/vote/", decisions.vote, name="vote"),
    path("ideas/<uuid:pk>/votes/reveal/", decisions.votes_show, name="votes_reveal"),
    path("ideas/<uuid:pk>/decide/", decisions.decide, name="decide"),
    path("ideas/<uuid:pk>/trial/outcome/", decisions.trial_outcome, name="trial_outcome"),
    # --- end decisions
    # --- points of view, voice, agenda
    path(
        "challenges/<int:pk>/points-of-view/",
        points_of_view.challenge_points_of_view,
        name="points_of_view",
    ),
    path(
        "ideas/<uuid:pk>/propose-to-circle/",
        points_of_view.idea_propose_to_circle,
        name="idea_propose_to_circle",
    ),
    path("circles/<int:circle_pk>/voice/", voice.circle_voice_page, name="circle_voice"),
    path("ideas/<uuid:pk>/agenda/", agenda.idea_agenda_add, name="idea_agenda_add"),
    path("challenges/<int:pk>/agenda/", agenda.challenge_agenda_add, name="challenge_agenda_add"),
    # --- end
]
