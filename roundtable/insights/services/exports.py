"""CSV files written as they are read: rows go out in chunks of about 64 KB, so an export of a
million rows never sits in memory, and no cell can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# A cell a spreadsheet would read as a formula (or a DDE call) is kept as text by a leading
# quote: OWASP's list, tab and carriage return included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 64 * 1024
# Spreadsheets read the file as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"


def csv_cell(value: Any) -> Any:
    """The value as a spreadsheet may safely read it (text starting like a formula is quoted)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_stream(*, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The header and the rows as UTF-8 CSV, in chunks; rows are read only as chunks are sent."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_text(*, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The same CSV as one string, without the byte-order mark (for files inside a zip)."""
    return b"".join(csv_stream(columns=columns, rows=rows)).decode("utf-8").removeprefix(BOM)
