"""Fixed dates around daylight-saving changes in three zones, the southern hemisphere included,
shared by the schedule, calendar and reminder tests. For a weekly Tuesday 09:00 meeting: the UTC
instants of the Tuesday before the change and the Tuesday after it."""

from __future__ import annotations

import datetime as dt

SERIES_STARTS_ON = dt.date(2027, 2, 1)
DST_CASES: dict[str, tuple[dt.datetime, dt.datetime]] = {
    "Europe/London": (  # BST starts Sunday 28 March 2027: 09:00 GMT, then 09:00 BST
        dt.datetime(2027, 3, 23, 9, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 30, 8, tzinfo=dt.UTC),
    ),
    "America/New_York": (  # EDT starts Sunday 14 March 2027
        dt.datetime(2027, 3, 9, 14, tzinfo=dt.UTC),
        dt.datetime(2027, 3, 16, 13, tzinfo=dt.UTC),
    ),
    "Australia/Sydney": (  # AEDT ends Sunday 4 April 2027 (southern autumn)
        dt.datetime(2027, 3, 29, 22, tzinfo=dt.UTC),
        dt.datetime(2027, 4, 5, 23, tzinfo=dt.UTC),
    ),
}
# The UTC offsets each zone's VTIMEZONE must give, as iCalendar writes them.
DST_OFFSETS = {
    "Europe/London": {"+0000", "+0100"},
    "America/New_York": {"-0500", "-0400"},
    "Australia/Sydney": {"+1100", "+1000"},
}
