# The Scrubroom application image: Daphne serving scrubroom.asgi. See docker-compose.yml.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --home-dir /srv/scrubroom scrubroom
WORKDIR /srv/scrubroom

# Dependencies first, from the lock (exact versions and hashes), so code changes reuse the layer.
COPY requirements/base.txt ./requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY pyproject.toml README.md ./
# Every package of the import contract (pyproject.toml), from the project down to the leaves.
COPY scrubroom ./scrubroom
COPY moderation ./moderation
COPY privacy ./privacy
COPY forum ./forum
COPY uploads ./uploads
COPY members ./members
COPY review ./review
COPY audit ./audit
COPY live ./live
COPY phi ./phi
COPY privatefiles ./privatefiles
COPY templates ./templates
COPY static ./static
COPY manage.py ./

# Static files are collected at build time; nginx serves them from the shared volume.
RUN SCRUBROOM_SECRET_KEY=build-only SCRUBROOM_REGION=build SCRUBROOM_EMAIL_HOST=build \
    SCRUBROOM_STATIC_ROOT=/srv/static python manage.py collectstatic --noinput \
    && chown -R scrubroom /srv/static

USER scrubroom
EXPOSE 8000
# Proxy headers: nginx sets X-Forwarded-For and X-Forwarded-Proto (see deploy/nginx.conf).
# No access log here: Daphne's would print query strings (search terms); nginx logs paths.
CMD ["daphne", "--bind", "0.0.0.0", "--port", "8000", "--proxy-headers", \
     "--access-log", "/dev/null", "--websocket_timeout", "86400", "scrubroom.asgi:application"]
