# syntax=docker/dockerfile:1
# The web app, Celery worker and Celery beat all run from this one image
# (see docker-compose.yml). No browser here: Chromium is for the test suite only.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=placements.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/var/media \
    WEB_CONCURRENCY=3

# WeasyPrint renders PDFs with Pango and HarfBuzz; it needs fonts to draw with. The
# anonymiser reads Debian's British English word lists.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        wbritish \
        wbritish-large \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, pinned by the lock file, so this layer is rebuilt only when
# they change. The project's own code runs from /app (PYTHONPATH), where
# BASE_DIR finds templates/ and static/.
COPY pyproject.toml requirements.lock ./
RUN pip install -c requirements.lock .

COPY . .

# Static files are collected (hashed and compressed) at build time. The secret
# and host names here exist for this one command only and are not kept in the image.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-secret \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DJANGO_ONE_OFF_COMMAND=true \
    python manage.py collectstatic --no-input --verbosity 0

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home placements \
    && mkdir -p /app/var/media \
    && chown -R placements:placements /app/var
USER placements

EXPOSE 8000
# gunicorn takes its number of workers from WEB_CONCURRENCY.
CMD ["gunicorn", "placements.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--logger-class", "placements.access_log.RedactingLogger", \
     "--timeout", "60"]
