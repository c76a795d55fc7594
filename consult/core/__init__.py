"""Shared building blocks: database helpers, text, Markdown, permissions, errors."""
