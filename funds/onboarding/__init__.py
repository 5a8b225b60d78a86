"""Onboarding without the admin: organisations, agreements, recipients and members."""
