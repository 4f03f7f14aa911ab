"""/api insights: health."""

from ninja import Router

router = Router()
