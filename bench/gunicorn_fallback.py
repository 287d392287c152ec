"""Gunicorn settings for the benchmarks when the project has no ``gunicorn.conf.py``.

bench/server.py uses the project's ``gunicorn.conf.py`` when it exists (so the figures
are those of the production configuration) and this file otherwise; the address and the
number of workers are always given on the command line (127.0.0.1, BENCH_WORKERS=2).
"""

worker_class = "sync"
accesslog = None  # no access log: no visitor's address is ever written
errorlog = "-"
loglevel = "warning"
timeout = 30
