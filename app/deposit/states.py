"""The steps of an outbox entry (a tiny module: read at start-up without heavy imports)."""

from __future__ import annotations

UNFINISHED = ("pending", "uploading", "uploaded", "submitting")
