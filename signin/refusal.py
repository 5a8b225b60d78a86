"""What a refused OpenID Connect sign-in leaves in the session for the page that explains it.

A module of its own so that the views read it without importing the backend, which loads
`requests` (a tenth of a second at start-up) through mozilla-django-oidc.
"""

REFUSAL_SESSION_KEY = "signin_refusal"
