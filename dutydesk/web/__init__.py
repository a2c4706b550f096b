"""``dutydesk serve``: the TUI in a browser through textual-serve, behind per-person logins."""
