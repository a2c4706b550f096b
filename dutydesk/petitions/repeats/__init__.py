"""Repeat petitions (重复件): which earlier petitions a text looks like, and the links."""
