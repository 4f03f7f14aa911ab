"""Meeting pages, one module per page family: `meeting` (the meeting page and its actions),
`schedule` (the series, moving and cancelling one meeting, a program's meeting structure),
`calendar` (.ics downloads and feeds) and `rsvp` (one-click replies from emails)."""
