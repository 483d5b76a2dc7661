"""The Django project: settings, root URLs, ASGI and websocket routing, the admin site,
logging, deployment checks, data residency, and the project's own pages."""
