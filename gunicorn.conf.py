"""Gunicorn settings for «Безопасное детство»: the one configuration that the Docker image,
docker-compose.yml and the README use: ``gunicorn --config gunicorn.conf.py``.

Read from the environment:
  PORT                 port to listen on, on every interface (default 8000); to listen on
                       loopback only outside a container add ``--bind 127.0.0.1:8000``
  WEB_CONCURRENCY      worker processes (default 3)
  GUNICORN_THREADS     threads per worker (default 4)
  FORWARDED_ALLOW_IPS  addresses or networks of the reverse proxy whose X-Forwarded-Proto
                       gunicorn believes (default 127.0.0.1,::1; see the README)
  LOG_LEVEL            as for Django (default info)

Nothing here writes a visitor's address: there is no access log, and the logger class hides
every address in the error log (``site/core/gunicorn_logging.py``).
"""

import os
from pathlib import Path

wsgi_app = "safechildhood.wsgi:application"
proc_name = "safechildhood"

bind = [f"0.0.0.0:{int(os.environ.get('PORT', '8000'))}"]

# Workers and threads. Each worker is a process (pages are rendered in Python, so CPU work
# scales with processes, not threads); a few threads per worker keep it answering while one
# request waits on PostgreSQL, Redis or Elasticsearch (up to ELASTICSEARCH_TIMEOUT), and hold
# a slow mobile client's connection without blocking the whole worker, which a sync worker
# would. Each thread keeps its own database connection (CONN_MAX_AGE): workers × threads per
# container must stay under PostgreSQL's max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# site/wsgi.py loads the application and then calls gc.freeze(): with preload that happens
# once in the master, so the workers share the frozen start-up objects copy-on-write and
# never rescan them. post_fork below drops anything the master opened.
preload_app = True

# Timeouts. A worker whose main loop is silent for 30 s is wedged and is replaced (threads
# keep the heartbeat going during long requests; every dependency has a shorter timeout).
# On restart, requests in flight (a report being filed) get 30 s to finish. Idle keep-alive
# connections from the proxy are kept 10 s: set the proxy's upstream keep-alive shorter.
timeout = 30
graceful_timeout = 30
keepalive = 10
# Workers are replaced after about 2000 requests, so that slow memory growth never adds up;
# the jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200

# Request size limits, refused before Django sees the request (414 / 431 / 400). The longest
# honest URL (registry filters with a 200-character Cyrillic query) is under 2 KB; browsers
# send about 20 headers; the admin's cookies fit well within 8 KB.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# The proxy's X-Forwarded-Proto is believed only from these addresses. Django reads it
# itself (SECURE_PROXY_SSL_HEADER, BEHIND_TLS_PROXY) and the rate limits read
# X-Forwarded-For (REPORTS_TRUSTED_PROXY_COUNT); see the README.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logging: errors to stderr, never an access line, never an address.
accesslog = None
disable_redirect_access_to_syslog = True
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "safechildhood.core.gunicorn_logging.PrivateGunicornLogger"

# No runtime control socket (gunicornc): nothing to manage that a restart does not do.
control_socket_disable = True

# The heartbeat file on a memory file system: on a disk-backed one (a container's overlay)
# its updates can stall a worker.
if Path("/dev/shm").is_dir():  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108


def post_fork(server, worker) -> None:
    """A worker must not share a database connection that the master opened while loading."""
    from django.db import connections

    connections.close_all()
