"""Accounts: members, profiles, applications and credentials, roles (moderator scopes, admin),
the membership gate, and the one rule for staff powers."""
