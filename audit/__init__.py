"""The audit log: every moderator and admin action, append-only, written through `record`."""
