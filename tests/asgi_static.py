"""scrubroom.asgi with static files served too, for browser tests against a real Daphne
(production leaves static files to nginx)."""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from scrubroom.asgi import application as scrubroom

application = ASGIStaticFilesHandler(scrubroom)
