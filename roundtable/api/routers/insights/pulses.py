"""/api insights: pulses."""

from ninja import Router

router = Router()
