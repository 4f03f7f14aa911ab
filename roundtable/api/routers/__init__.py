"""One ninja router per domain; api.py mounts them."""
