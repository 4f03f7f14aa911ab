"""The working agreement's rules as each person meets them: drafting from templates, agreeing to
the current version only, a new version asking everyone afresh, amendments (proposed, accepted,
declined, withdrawn, outdated), who is told, and the revisit reminder at its boundary."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from roundtable.circles.services import circle_add_member
from roundtable.core.errors import DomainError
from roundtable.leadership.agreement_templates import AGREEMENT_TEMPLATES
from roundtable.leadership.models import (
    AgreementAcknowledgement,
    AgreementAmendment,
    AgreementVersion,
    WorkingAgreement,
)
from roundtable.leadership.selectors.agreements import sections_changes
from roundtable.leadership.services.agreements import (
    agreement_acknowledge,
    agreement_revisit_set,
    agreement_version_create,
    agreements_revisit_remind,
    amendment_accept,
    amendment_decline,
    amendment_propose,
    amendment_withdraw,
)
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.testing.factories import MemberFactory

NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _templates(*keys: str) -> list[dict[str, str]]:
    return [
        {"key": t.key, "title": t.title, "text": t.text}
        for t in AGREEMENT_TEMPLATES
        if not keys or t.key in keys
    ]


def _draft(personas, sections=None, **kwargs):
    return agreement_version_create(
        circle=personas.circle,
        author=personas.members["lead"],
        sections=sections if sections is not None else _templates(),
        **kwargs,
    )


def _told(kind: str) -> list[str]:
    return sorted(
        n.member.user.email for n in Notice.objects.filter(kind=kind).select_related("member__user")
    )


def _edited(version, key: str, text: str) -> list[dict[str, str]]:
    return [{**s, "text": text} if s["key"] == key else dict(s) for s in version.sections]


# --- templates and drafting ----------------------------------------------------------------


def test_the_five_templates_each_have_a_key_a_title_a_purpose_and_a_starter_text():
    keys = [t.key for t in AGREEMENT_TEMPLATES]
    assert keys == ["fine", "push_back", "friendships", "critique", "missed_commitments"]
    for template in AGREEMENT_TEMPLATES:
        assert template.title
        assert template.text
        assert "\n" not in template.purpose
    assert AGREEMENT_TEMPLATES[3].title == "Critique the idea, not the person"


def test_the_lead_drafts_version_1_from_the_templates_picked_plus_a_section_of_their_own(
    personas,
):
    sections = [
        *_templates("fine", "push_back"),
        {"key": "", "title": "Phones", "text": "Phones face down in meetings."},
    ]
    version = _draft(personas, sections=sections, revisit_months=6)
    assert version.number == 1
    assert [s["title"] for s in version.sections] == [
        "What is fine and what is not",
        "How to push back",
        "Phones",
    ]
    assert version.sections[2]["key"].startswith("own-")
    agreement = WorkingAgreement.objects.get(circle=personas.circle)
    assert agreement.revisit_months == 6
    assert agreement.revisit_on == dt.date(2027, 9, 1)
    # Nobody's agreement is assumed, the author's included.
    assert not AgreementAcknowledgement.objects.exists()


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ([], "at least one section"),
        ([{"key": "fine", "title": "Fine", "text": "   "}], "“Fine” is empty"),
        ([{"key": "", "title": "", "text": "Something"}], "has no title"),
    ],
)
def test_empty_sections_are_refused_and_nothing_is_saved(personas, sections, message):
    with pytest.raises(DomainError, match=message):
        _draft(personas, sections=sections)
    assert not AgreementVersion.objects.exists()
    assert not WorkingAgreement.objects.exists()


def test_a_new_version_needs_a_change_note_and_a_change(personas):
    v1 = _draft(personas)
    with pytest.raises(DomainError, match="Nothing changed from version 1"):
        _draft(personas, sections=v1.sections, change_note="Same again")
    with pytest.raises(DomainError, match="what changed and why"):
        _draft(personas, sections=_edited(v1, "fine", "Be kind."))
    assert AgreementVersion.objects.count() == 1


def test_revisit_months_outside_1_to_12_are_refused(personas):
    _draft(personas)
    for months in (0, 13):
        with pytest.raises(DomainError, match="1 to 12 months"):
            agreement_revisit_set(circle=personas.circle, months=months)
    agreement = agreement_revisit_set(circle=personas.circle, months=1)
    assert agreement.revisit_on == dt.date(2027, 4, 1)


# --- acknowledging ----------------------------------------------------------------------------


def test_an_acknowledgement_of_an_old_version_is_refused_and_nothing_changes(personas):
    member = personas.members["member"]
    v1 = _draft(personas)
    _draft(personas, sections=_edited(v1, "fine", "Be kind."), change_note="Shorter")
    with pytest.raises(DomainError, match="now at version 2"):
        agreement_acknowledge(circle=personas.circle, member=member, number=1)
    assert not AgreementAcknowledgement.objects.exists()


def test_a_new_version_needs_new_acknowledgements(personas):
    member, lead = personas.members["member"], personas.members["lead"]
    v1 = _draft(personas)
    agreement_acknowledge(circle=personas.circle, member=member, number=1)
    agreement_acknowledge(circle=personas.circle, member=lead, number=1)
    agreement_acknowledge(circle=personas.circle, member=member, number=1)  # twice: once
    assert AgreementAcknowledgement.objects.filter(version=v1).count() == 2
    v2 = _draft(personas, sections=_edited(v1, "fine", "Be kind."), change_note="Shorter")
    assert not AgreementAcknowledgement.objects.filter(version=v2).exists()
    agreement_acknowledge(circle=personas.circle, member=member, number=2)
    assert list(
        AgreementAcknowledgement.objects.filter(version=v2).values_list("member_id", flat=True)
    ) == [member.pk]


def test_someone_outside_the_circle_cannot_acknowledge(personas):
    _draft(personas)
    with pytest.raises(DomainError, match="members and its lead"):
        agreement_acknowledge(
            circle=personas.circle, member=personas.members["coordinator"], number=1
        )
    assert not AgreementAcknowledgement.objects.exists()


# --- notices of a new version -----------------------------------------------------------------


def test_a_new_version_tells_each_member_and_the_lead_but_not_whoever_made_it(personas):
    newcomer = MemberFactory.create(organization=personas.organization)
    circle_add_member(circle=personas.circle, member=newcomer)
    v1 = _draft(personas)
    assert _told(NoticeKind.AGREEMENT_CHANGED) == sorted(
        ["member@example.org", newcomer.user.email]
    )
    agreement_version_create(
        circle=personas.circle,
        author=personas.members["coordinator"],
        sections=_edited(v1, "fine", "Be kind."),
        change_note="Shorter",
    )
    told = Notice.objects.filter(kind=NoticeKind.AGREEMENT_CHANGED)
    assert told.count() == 5  # two for version 1; member, newcomer and lead for version 2
    assert set(told.values_list("key", flat=True)) == {
        f"agreement-version:{v.pk}" for v in AgreementVersion.objects.all()
    }


# --- amendments -------------------------------------------------------------------------------


def _propose(personas, version, text="We keep meetings to 45 minutes.", reason="Meetings drag"):
    return amendment_propose(
        circle=personas.circle,
        member=personas.members["member"],
        based_on_number=version.number,
        sections=_edited(version, "fine", text),
        reason=reason,
    )


def test_a_member_proposes_and_the_lead_is_told(personas):
    v1 = _draft(personas)
    amendment = _propose(personas, v1)
    assert amendment.status == AgreementAmendment.Status.PROPOSED
    assert amendment.based_on == v1
    notice = Notice.objects.get(kind=NoticeKind.AGREEMENT_AMENDMENT)
    assert notice.member == personas.members["lead"]
    assert notice.title == "Member Persona proposes a change to North's working agreement"


def test_an_amendment_needs_a_reason_and_a_change(personas):
    v1 = _draft(personas)
    with pytest.raises(DomainError, match="Say why"):
        _propose(personas, v1, reason="  ")
    with pytest.raises(DomainError, match="changes nothing"):
        amendment_propose(
            circle=personas.circle,
            member=personas.members["member"],
            based_on_number=1,
            sections=v1.sections,
            reason="No change",
        )
    assert not AgreementAmendment.objects.exists()


def test_accepting_makes_the_next_version_and_its_author_agrees_afresh(personas):
    v1 = _draft(personas)
    member = personas.members["member"]
    agreement_acknowledge(circle=personas.circle, member=member, number=1)
    amendment = _propose(personas, v1)
    Notice.objects.all().delete()
    v2 = amendment_accept(amendment=amendment, decided_by=personas.members["lead"])
    assert v2.number == 2
    assert v2.sections[0]["text"] == "We keep meetings to 45 minutes."
    assert v2.written_by == member
    assert v2.change_note == "Meetings drag"
    amendment.refresh_from_db()
    assert amendment.status == AgreementAmendment.Status.ACCEPTED
    assert amendment.resulting_version == v2
    assert not AgreementAcknowledgement.objects.filter(version=v2).exists()
    assert _told(NoticeKind.AGREEMENT_AMENDMENT) == ["member@example.org"]
    assert _told(NoticeKind.AGREEMENT_CHANGED) == ["member@example.org"]  # not the lead


def test_a_decision_on_an_amendment_already_decided_is_refused(personas):
    v1 = _draft(personas)
    lead = personas.members["lead"]
    amendment = _propose(personas, v1)
    amendment_decline(amendment=amendment, decided_by=lead, reason="Let us try it first")
    with pytest.raises(DomainError, match="already declined: nothing changed"):
        amendment_accept(amendment=amendment, decided_by=lead)
    with pytest.raises(DomainError, match="already declined"):
        amendment_decline(amendment=amendment, decided_by=lead, reason="Again")
    amendment.refresh_from_db()
    assert amendment.decision_reason == "Let us try it first"
    assert AgreementVersion.objects.count() == 1


def test_declining_needs_a_reason_which_the_proposer_reads(personas):
    v1 = _draft(personas)
    amendment = _propose(personas, v1)
    with pytest.raises(DomainError, match="deserves a reason"):
        amendment_decline(amendment=amendment, decided_by=personas.members["lead"], reason=" ")
    amendment_decline(amendment=amendment, decided_by=personas.members["lead"], reason="Not yet")
    notice = Notice.objects.get(
        kind=NoticeKind.AGREEMENT_AMENDMENT, member__user__email="member@example.org"
    )
    assert notice.body == "Not yet"


def test_only_the_proposer_withdraws(personas):
    v1 = _draft(personas)
    amendment = _propose(personas, v1)
    with pytest.raises(DomainError, match="Only the person who proposed"):
        amendment_withdraw(amendment=amendment, member=personas.members["lead"])
    amendment_withdraw(amendment=amendment, member=personas.members["member"])
    amendment.refresh_from_db()
    assert amendment.status == AgreementAmendment.Status.WITHDRAWN
    with pytest.raises(DomainError, match="already withdrawn"):
        amendment_accept(amendment=amendment, decided_by=personas.members["lead"])


def test_an_amendment_on_an_outdated_version_is_refused_at_acceptance(personas):
    v1 = _draft(personas)
    amendment = _propose(personas, v1)
    v2 = _draft(personas, sections=_edited(v1, "push_back", "Say it early."), change_note="x")
    with pytest.raises(DomainError, match=r"changed meanwhile: .* version 1, and version 2"):
        amendment_accept(amendment=amendment, decided_by=personas.members["lead"])
    amendment.refresh_from_db()
    assert amendment.status == AgreementAmendment.Status.PROPOSED
    assert AgreementVersion.objects.count() == 2
    # What changed since, as the amendment page shows it.
    changed = [c for c in sections_changes(v1.sections, v2.sections) if c.kind != "same"]
    assert [c.key for c in changed] == ["push_back"]


def test_an_amendment_written_on_an_old_version_is_refused_when_proposed(personas):
    v1 = _draft(personas)
    _draft(personas, sections=_edited(v1, "push_back", "Say it early."), change_note="x")
    with pytest.raises(DomainError, match=r"changed while you were writing: .* version 1"):
        _propose(personas, v1)
    assert not AgreementAmendment.objects.exists()


def test_the_word_diff_marks_what_was_removed_and_added():
    before = [{"key": "a", "title": "A", "text": "We meet every week."}]
    after = [
        {"key": "a", "title": "A", "text": "We meet every other week."},
        {"key": "b", "title": "B", "text": "New."},
    ]
    changes = sections_changes(before, after)
    assert [(c.key, c.kind) for c in changes] == [("a", "changed"), ("b", "added")]
    assert [(s.kind, s.text) for s in changes[0].segments if s.kind != "same"] == [
        ("added", "other "),
    ]
    removed = sections_changes(after, before)
    assert [(c.key, c.kind) for c in removed] == [("a", "changed"), ("b", "removed")]


# --- the revisit reminder ---------------------------------------------------------------------


def test_the_revisit_reminder_tells_the_lead_once_when_the_day_comes(personas, frozen_clock):
    _draft(personas, revisit_months=3)  # 1 March 2027: revisit on 1 June, London time
    agreement = WorkingAgreement.objects.get()
    assert agreement.revisit_on == dt.date(2027, 6, 1)

    # 31 May 23:59:59 in London (BST, UTC+1) is still before the day.
    just_before = dt.datetime(2027, 5, 31, 22, 59, 59, tzinfo=dt.UTC)
    assert agreements_revisit_remind(now=just_before) == 0
    agreement.refresh_from_db()
    assert agreement.revisit_reminded_on is None

    midnight = dt.datetime(2027, 5, 31, 23, 0, tzinfo=dt.UTC)  # 1 June 00:00 in London
    assert agreements_revisit_remind(now=midnight) == 1
    assert agreements_revisit_remind(now=midnight + dt.timedelta(days=3)) == 0
    notice = Notice.objects.get(kind=NoticeKind.AGREEMENT_REVISIT_DUE)
    assert notice.member == personas.members["lead"]
    assert notice.key == f"agreement-revisit:{agreement.pk}:2027-06-01"
    agreement.refresh_from_db()
    assert agreement.revisit_reminded_on == dt.date(2027, 6, 1)


def test_a_new_version_moves_the_revisit_and_it_is_reminded_again(personas, frozen_clock):
    v1 = _draft(personas, revisit_months=1)
    assert agreements_revisit_remind(now=dt.datetime(2027, 4, 1, 9, tzinfo=dt.UTC)) == 1
    frozen_clock.move_to(dt.datetime(2027, 4, 10, 9, tzinfo=dt.UTC))
    _draft(personas, sections=_edited(v1, "fine", "Be kind."), change_note="After revisiting")
    agreement = WorkingAgreement.objects.get()
    assert (agreement.revisit_on, agreement.revisit_reminded_on) == (dt.date(2027, 5, 10), None)
    assert agreements_revisit_remind(now=dt.datetime(2027, 5, 9, 9, tzinfo=dt.UTC)) == 0
    assert agreements_revisit_remind(now=dt.datetime(2027, 5, 10, 9, tzinfo=dt.UTC)) == 1
    assert Notice.objects.filter(kind=NoticeKind.AGREEMENT_REVISIT_DUE).count() == 2


def test_a_circle_without_a_lead_tells_nobody_and_counts_as_reminded(personas):
    _draft(personas)
    personas.circle.lead = None
    personas.circle.save(update_fields=["lead"])
    assert agreements_revisit_remind(now=dt.datetime(2027, 6, 2, tzinfo=dt.UTC)) == 0
    assert not Notice.objects.filter(kind=NoticeKind.AGREEMENT_REVISIT_DUE).exists()
    assert WorkingAgreement.objects.get().revisit_reminded_on == dt.date(2027, 6, 2)
