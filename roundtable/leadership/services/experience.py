"""A member's experience record as files to take to a career conversation: a CSV of the figures
and a PDF (WeasyPrint) of the figures and the recognition received. Nothing is fetched while
making the PDF: it never reaches the network or the disk."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from roundtable.leadership.selectors.experience import ExperienceRecord

# A cell that a spreadsheet would read as a formula is kept as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def experience_csv(*, record: ExperienceRecord) -> str:
    """The figures, one row per circle and a total row, with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Circle", "Program", *record.labels])
    for row in [*record.circles, record.total]:
        writer.writerow([_cell(row.circle), _cell(row.program), *row.values])
    return out.getvalue()


def experience_pdf(*, record: ExperienceRecord) -> bytes:
    """The record as PDF bytes (A4)."""
    # Imported here so that a machine without pango (WeasyPrint's system libraries) still
    # starts; only the PDF download needs them.
    import weasyprint

    html = render_to_string("leadership/experience_pdf.html", {"record": record})
    document = weasyprint.HTML(
        string=html,
        base_url=str(Path(settings.BASE_DIR)),
        url_fetcher=weasyprint.urls.URLFetcher(allowed_protocols={"data"}),
    )
    pdf: bytes = document.write_pdf()
    return pdf
