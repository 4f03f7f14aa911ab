"""/api leadership: a circle's working agreement (versions, acknowledgements, amendments),
recognition, and a lead's own private notes (reflections, peer notes, support plans), with the
same policy as the pages: 404 for what the caller may not see (anyone's private notes but their
own, always), 403 for what they see but may not do, 400 for a broken rule, naming the field."""

from ninja import Router

from roundtable.api.routers.leadership import agreements, notes, recognition

router = Router(tags=["leadership"])
router.add_router("/", agreements.router)
router.add_router("/", recognition.router)
router.add_router("/", notes.router)
