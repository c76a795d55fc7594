"""Comments on drafts: submit, reply, withdraw, react; the public reading pages."""
