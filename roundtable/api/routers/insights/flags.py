"""/api insights: flags."""

from ninja import Router

router = Router()
