"""Insights: a program's exports (CSV) and its printable report (PDF)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from roundtable.insights.views import exports

urlpatterns: list[URLPattern | URLResolver] = [
    path("programs/<int:pk>/exports/", exports.program_exports_page, name="program_exports"),
    path(
        "programs/<int:pk>/exports/<slug:kind>.csv",
        exports.program_export,
        name="program_export",
    ),
    path("programs/<int:pk>/report.pdf", exports.program_report_pdf, name="program_report_pdf"),
]
