"""Insights services: one module per part (pulses, health, dashboard and flags, exports,
own data)."""
