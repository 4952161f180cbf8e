# Parcours production image: gunicorn (web), Celery worker and beat all run from it.
# Build: docker build -t parcours .   Run the stack: docker compose up -d (see compose.yaml)
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PARCOURS_VAR_DIR=/var/lib/parcours

# gettext: compilemessages turns the French catalogues into .mo files at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 parcours \
    && useradd --system --uid 10001 --gid parcours --home-dir /app --shell /usr/sbin/nologin parcours

WORKDIR /app
# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY tracker/__init__.py tracker/__init__.py
COPY courses/__init__.py courses/__init__.py
RUN pip install .

COPY . .
# Translations and static files are built into the image: every web replica then serves
# the same hashed files (whitenoise's CompressedManifestStaticFilesStorage) with no shared
# volume. The secret below exists only for these two build commands.
RUN DJANGO_SECRET_KEY=build-only-not-secret python manage.py compilemessages -v 0 \
    && DJANGO_SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /var/lib/parcours/beat /var/lib/parcours/mail /var/lib/parcours/media \
    && chown -R parcours:parcours /var/lib/parcours

USER parcours
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--access-logfile", "-", "--timeout", "30"]
