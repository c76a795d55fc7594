"""Feedback dossier: agency answers, analysis of all comments, official summary table."""
