"""Web users: the people who may log in to ``dutydesk serve`` (argon2id password hashes, lockout)."""
