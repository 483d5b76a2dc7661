"""Moderation: the decisions on the review queue and on flags, composing the forum's, the
uploads' and the members' verbs; the moderators' service record and the audit log pages."""
