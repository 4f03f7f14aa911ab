"""Insights forms: one module per part (pulses, ...)."""
