"""Shared widgets, one a module: header, footer, search box, the paged list and its fast table, and the
check box and multiple-choice list every dialog uses (an empty box when unchecked)."""
