"""SQLite store: connection (``db``), migrations, audited records, backups, drafts.

The store knows no domain: the domains hand it their migration sets (through
:mod:`dutydesk.registry`) and it applies them. No UI imports.
"""
