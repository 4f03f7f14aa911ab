"""The program report as a PDF (WeasyPrint, A4), from the same figures, flags and chart objects
the pages show; the charts are inline SVG (svg_charts), since WeasyPrint runs no JavaScript.
Nothing is fetched while making it: no network, no file beyond the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from roundtable.insights.selectors.report import ProgramReport
from roundtable.insights.svg_charts import chart_svg

TEMPLATE = "insights/report_pdf.html"


def report_html(*, report: ProgramReport) -> str:
    """The HTML the PDF is made from (also what a browser shows for a preview)."""
    return render_to_string(
        TEMPLATE,
        {
            "report": report,
            "charts": [(chart, chart_svg(chart)) for chart in report.charts],
        },
    )


def report_document(*, report: ProgramReport) -> Any:
    """WeasyPrint's laid-out document (its pages can be counted and read before writing)."""
    # Imported here so that a machine without pango (WeasyPrint's system libraries) still
    # starts; only the PDF needs them (scripts/ensure-weasyprint.sh installs them).
    import weasyprint

    return weasyprint.HTML(
        string=report_html(report=report),
        base_url=str(Path(settings.BASE_DIR)),
        # Nothing over the network or from disk: only data: URLs, should a template hold one.
        url_fetcher=weasyprint.urls.URLFetcher(allowed_protocols={"data"}),
    ).render()


def report_pdf(*, report: ProgramReport) -> bytes:
    """The report as PDF bytes."""
    pdf: bytes = report_document(report=report).write_pdf()
    return pdf
