"""Tests of the pure formation package, one file per module."""
