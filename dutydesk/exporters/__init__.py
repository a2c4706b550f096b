"""Writers for .docx, .xlsx, Markdown and plain text. No UI imports."""
