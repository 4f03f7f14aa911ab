"""Forms for the working agreement. They check shape only; what makes an agreement (titles,
texts, at least one section, a reason) is the services' to say.

The sections are a formset: one row per template or existing section (kept while "Keep this
section" is ticked) and a few blank rows for sections of the circle's own (kept once they hold
something), so the page works without any script."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from roundtable.leadership.agreement_templates import AGREEMENT_TEMPLATES, TEMPLATES_BY_KEY

BLANK_ROWS = 2
MONTHS = [(n, f"Every {n} month{'s' if n > 1 else ''}") for n in range(1, 13)]


class SectionForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    keep = forms.BooleanField(label="Keep this section", required=False)
    title = forms.CharField(label="Title", required=False, max_length=120)
    text = forms.CharField(
        label="What we agree",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


SectionFormSet = forms.formset_factory(SectionForm, extra=0, max_num=40, absolute_max=40)


def _rows(initial: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*initial, *({"key": "", "title": "", "text": ""} for _ in range(BLANK_ROWS))]


def sections_formset(data: Any = None, *, sections: Sequence[dict[str, Any]] | None = None) -> Any:
    """The sections to edit: an existing version's, or (with none) the five templates, all
    ticked, for the author to untick what does not fit; then blank rows for their own."""
    if sections is None:
        initial = [
            {
                "key": t.key,
                "title": t.title,
                "text": t.text,
                "purpose": t.purpose,
                "keep": True,
            }
            for t in AGREEMENT_TEMPLATES
        ]
    else:
        initial = [
            {
                **s,
                "keep": True,
                "purpose": t.purpose if (t := TEMPLATES_BY_KEY.get(s["key"])) else "",
            }
            for s in sections
        ]
    return SectionFormSet(data, initial=_rows(initial), prefix="sections")


def sections_from(formset: Any) -> list[dict[str, str]]:
    """The sections the author means to keep: ticked rows, and own rows with anything in them.
    Call after `is_valid()`."""
    kept: list[dict[str, str]] = []
    for form in formset.forms:
        data = form.cleaned_data
        title, text = data.get("title") or "", data.get("text") or ""
        if data.get("key"):
            if not data.get("keep"):
                continue
        elif not (title.strip() or text.strip()):
            continue
        kept.append({"key": data.get("key") or "", "title": title, "text": text})
    return kept


class DraftForm(forms.Form):
    change_note = forms.CharField(
        label="What changed, and why",
        required=False,
        max_length=500,
        help_text="One line the circle reads beside the new version.",
    )
    revisit_months = forms.TypedChoiceField(
        label="Revisit it",
        coerce=int,
        choices=MONTHS,
        initial=3,
        help_text="You will be reminded to read it together again, and see if it still fits.",
    )

    def __init__(self, *args: Any, first: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first:
            del self.fields["change_note"]


class AmendmentForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why this change",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The lead reads it, and so does everyone once it is accepted.",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why not",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Whoever proposed it reads this.",
    )


class RevisitForm(forms.Form):
    revisit_months = forms.TypedChoiceField(
        label="Revisit it", coerce=int, choices=MONTHS, initial=3
    )
