"""dutydesk: the duty desk of an ecological inspection liaison office."""

__version__ = "0.1.0"
