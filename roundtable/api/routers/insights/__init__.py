"""/api insights: health figures per circle and program, at-risk flags, and pulse results (shown
only for a period at least three members answered), with the same policy as the pages: 404 for
what the caller may not see, 403 for what they see but may not do, 400 for a broken rule."""

from ninja import Router

from roundtable.api.routers.insights import flags, health, pulses

router = Router(tags=["insights"])
router.add_router("/", pulses.router)
router.add_router("/", health.router)
router.add_router("/", flags.router)
