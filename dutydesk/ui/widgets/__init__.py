"""Shared widgets, one a module: header, footer, search box, the paged list and its fast table."""
