"""The site: settings, URLs, middleware, error pages and what every app shares."""
