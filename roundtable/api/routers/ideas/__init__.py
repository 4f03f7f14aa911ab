"""/api ideas (open critique): challenges posed to a circle or a whole program, the ideas proposed
for them with their versions, critiques and replies, endorsements, the lead's hiding, the
temperature check, decisions (a trial with its plan) and a trial's outcome; seen and changed with
the same policy as the idea pages: 404 for what the caller may not see, 403 for what they see but
may not do.

Anonymity: an anonymous idea or critique has no author to show (`author` is null) and only its
day. Its author changes or withdraws it with the `edit_token` the creation response returned
once: the same signed, timestamped capability the pages keep in the author's browser
(`core.anonymity`), good for 24 hours from writing. The token is the proof: whoever sends it, and
may take part in the circle, acts as the author; nothing else does, since nothing on the server
knows whose it was."""

from ninja import Router

from roundtable.api.routers.ideas import challenges, contributions, decisions

router = Router(tags=["ideas"])
router.add_router("/", challenges.router)
router.add_router("/", contributions.router)
router.add_router("/", decisions.router)
