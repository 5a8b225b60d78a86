"""gunicorn's configuration: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be overridden from the environment (docs/operations.md lists them).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Requests are short and mostly wait for PostgreSQL: two workers per core is a good start.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# PDFs and enkät exports of large years take seconds; anything past this is a runaway.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The app sits behind a TLS-terminating proxy that sets X-Forwarded-Proto; only trust it from
# the addresses named here (comma-separated), never from everyone.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Limits on the request line and headers: a hostile client cannot make a worker buffer more.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
