"""Forms of the formation pages' one-button actions (criteria, pair-rule and move forms live in
`circles.forms`)."""

from __future__ import annotations

from typing import TypedDict

from django import forms


class FormationPinForm(forms.Form):
    pin = forms.TypedChoiceField(
        choices=[("1", "Pin"), ("0", "Unpin")],
        coerce=lambda value: value == "1",
        required=False,  # missing: "" (unpin)
    )


class FormationPublishForm(forms.Form):
    confirm_moves = forms.BooleanField(required=False)


class FormationButtonForm(forms.Form):
    """A button with no input (form the rest again, discard)."""


class FormationRelaxForm(forms.Form):
    """One of the relaxations offered for a request that could not be formed, by position."""

    choice = forms.IntegerField(min_value=0)


class ProposalViewState(TypedDict):
    page: int
    query: str
    compact: bool


class FormationProposalViewForm(forms.Form):
    """How a proposal page is looked at: which page of circles, a search for a person, cards
    or compact rows. Anything unreadable falls back to the first page of cards."""

    page = forms.IntegerField(min_value=0, required=False)
    q = forms.CharField(max_length=100, required=False, strip=True)
    view = forms.ChoiceField(choices=[("cards", "Cards"), ("compact", "Compact")], required=False)

    def state(self) -> ProposalViewState:
        data = self.cleaned_data if self.is_valid() else {}
        query = str(data.get("q") or "")
        page = data.get("page")
        return {
            # A search without a page opens where the first person found is (page 0).
            "page": int(page) if page is not None else (0 if query else 1),
            "query": query,
            "compact": data.get("view") == "compact",
        }
