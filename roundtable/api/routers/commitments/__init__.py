"""/api commitments: what someone will do, by a date only they choose, with the same policy as the
commitment pages (404 for what the caller may not see, 403 for what they see but may not do), and
their escalations to the program's sponsor.

Dates: an owner picks a day (`due_on`, YYYY-MM-DD) and a wall-clock time (`due_time`, HH:MM) in
their own time zone; responses give `due_at`, the instant, with `due_time_zone`, that zone."""

from ninja import Router

from roundtable.api.routers.commitments import commitments, escalations

router = Router(tags=["commitments"])
router.add_router("/", commitments.router)
router.add_router("/", escalations.router)
