"""The one way to write the audit log: `record(actor=..., action=..., target=..., reason=...)`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from audit import chain
from audit.models import AuditEntry
from audit.security_events import event

# Audit actions that are also security events (issue 17: role and factor changes).
SECURITY_ACTIONS = ("role.", "mfa.", "member.")

if TYPE_CHECKING:
    from members.models import User


def label_for(actor: User | None) -> str:
    if actor is None:
        return "system"
    roles = []
    if getattr(actor, "is_admin", False):
        roles.append("admin")
    if actor.pk and actor.moderator_scopes.exists():
        roles.append("moderator")
    suffix = f" ({', '.join(roles)})" if roles else ""
    return f"{actor.display_name} #{actor.pk}{suffix}"


def target_type_of(target: models.Model) -> str:
    """The target's type as the log names it, for good: "forum.case", "members.user".

    A model that moved to another app keeps the name the log has always used for it
    (`AUDIT_LABEL`), so that one target's entries stay under one name: the log is never
    rewritten.
    """
    return getattr(target, "AUDIT_LABEL", None) or target._meta.label_lower


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str = "",
    actor_label: str | None = None,
    target_label: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Append an entry. Call it inside the transaction of the action it records.

    The labels default to the actor's and target's names; pass neutral ones when the entry
    records an erasure, so the log does not keep the name it was asked to forget.
    """
    entry = AuditEntry(
        actor_id=actor.pk if actor is not None else None,
        actor_label=(actor_label or label_for(actor))[:200],
        action=action,
        target_type=target_type_of(target),
        target_id=target.pk,
        target_label=(target_label or str(target))[:200],
        reason=reason,
        details=details,
    )
    with transaction.atomic():
        chain.lock_chain()
        entry.previous_hash = chain.head_hash()
        # The hash is taken over the stored form: JSON round-trips the details as the
        # database will give them back to verify().
        entry.details = json.loads(json.dumps(details, default=str))
        entry.entry_hash = entry.compute_hash()
        entry.save()
    if action.startswith(SECURITY_ACTIONS):
        # Role, factor and membership changes go to the security log too, once committed:
        # ids and the action only (the reason is staff's free text, and stays in the audit log).
        fields = {"actor": entry.actor_id, "target": entry.target_id, "action": action}
        transaction.on_commit(lambda: event("account_change", **fields))
    return entry
