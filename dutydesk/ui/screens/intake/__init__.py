"""Intake: the preview of an import before anything is written, its progress, the file form."""
