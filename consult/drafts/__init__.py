"""Drafts: agencies, consultations, versions, sections; parser, import, lifecycle."""
