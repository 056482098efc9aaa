"""Use cases: what a user does, over ports only (history, drafter, mailer), called by every entry point."""
