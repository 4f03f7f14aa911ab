"""An escalation's documentation as a PDF, made with WeasyPrint from the same template as the
print view. Its stylesheet is read from disk through the static files finders, and nothing else
is fetched: the PDF never reaches the network (a URL in the text stays text)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from roundtable.commitments.selectors.escalations import Documentation

STYLESHEET = "commitments/escalation.css"


def documentation_pdf(*, documentation: Documentation) -> bytes:
    """The documentation as PDF bytes (A4)."""
    # Imported here so that a machine without pango (WeasyPrint's system libraries) still
    # starts; only the PDF download needs them (scripts/ensure-weasyprint.sh installs them).
    import weasyprint

    html = render_to_string(
        "commitments/escalation_print.html", {"doc": documentation, "pdf": True}
    )
    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):
        raise RuntimeError(f"The stylesheet {STYLESHEET} is missing from the static files.")
    document = weasyprint.HTML(
        string=html,
        base_url=str(Path(settings.BASE_DIR)),
        # Nothing over the network or from disk: only data: URLs, should a template hold one.
        url_fetcher=weasyprint.urls.URLFetcher(allowed_protocols={"data"}),
    )
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(filename=stylesheet)])
    return pdf
