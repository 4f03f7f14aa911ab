"""A member's own data as a zip: everything in one JSON file, each section as a CSV file, and a
README saying what is in it and what is not. Made in memory: a member's own rows are few."""

from __future__ import annotations

import io
import json
import zipfile

from roundtable.insights.selectors.own_data import NOT_INCLUDED, OwnData
from roundtable.insights.services.exports import csv_text


def _readme(data: OwnData) -> str:
    lines = [
        "Everything Roundtable holds about you",
        "",
        f"For {data.account['name']} in {data.member.organization.name}, compiled "
        f"{data.compiled_at:%Y-%m-%d %H:%M} UTC.",
        "",
        "roundtable-data.json holds all of it; the csv/ folder holds each part as a table.",
        "",
        "What is in it:",
        "- account.csv, profile.csv: your account and your profile here.",
    ]
    for section in data.sections:
        lines.append(f"- csv/{section.key}.csv: {section.title} ({len(section.rows)} rows).")
    lines += ["", "What is not in it, and why:"]
    for title, why in NOT_INCLUDED:
        lines += [f"- {title}: {why}"]
    return "\n".join(lines) + "\n"


def own_data_zip(*, data: OwnData) -> bytes:
    """The zip's bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(data))
        archive.writestr(
            "roundtable-data.json", json.dumps(data.as_dict(), indent=2, ensure_ascii=False)
        )
        archive.writestr(
            "csv/account.csv",
            csv_text(columns=list(data.account), rows=[list(data.account.values())]),
        )
        archive.writestr(
            "csv/profile.csv",
            csv_text(columns=list(data.profile), rows=[list(data.profile.values())]),
        )
        for section in data.sections:
            columns: list[str] = []
            for row in section.rows:
                columns += [key for key in row if key not in columns]
            rows = ([row.get(key) for key in columns] for row in section.rows)
            archive.writestr(f"csv/{section.key}.csv", csv_text(columns=columns, rows=rows))
    return out.getvalue()
