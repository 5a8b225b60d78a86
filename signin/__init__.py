"""Sign-in: passwords with lockout, the organisation's identity provider (OIDC), idle sessions."""
