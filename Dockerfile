# Production image for «Безопасное детство».
# Build:  docker build -t safechildhood .
# Run:    docker run -p 8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=deti.example.org \
#           -e REPORTS_ENCRYPTION_KEYS=... -e DATABASE_URL=postgres://... -e REDIS_URL=redis://... \
#           safechildhood
# `make prod-check` runs the same collectstatic and deployment checks without Docker.

FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=safechildhood.settings.base \
    PORT=8000 \
    VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install --yes --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 safechildhood
WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=safechildhood:safechildhood . .
RUN pip install --no-deps -e .

# Build-time only: a throwaway key so that settings load; never used at run time.
RUN export SECRET_KEY=build-only DEBUG=0 \
        REPORTS_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    && python manage.py compile_translations \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var && chown -R safechildhood:safechildhood /app/var /app/static_collected

USER safechildhood
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os,urllib.request,sys; sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4).status == 200 else 1)"

# Migrations run on start; gunicorn writes no access log (no visitor IP is ever logged).
# --preload: the application is loaded once, before gunicorn listens, so the first
# requests do not wait for workers still importing it (bench/RESULTS.md, 2026-12-02).
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn safechildhood.wsgi:application --preload --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile /dev/null --error-logfile - --forwarded-allow-ips='*'"]
