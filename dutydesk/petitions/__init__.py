"""petitions domain: plain functions and dataclasses over the store; no UI imports."""
