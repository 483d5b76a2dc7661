"""ASGI entry point: `daphne scrubroom.asgi:application`.

HTTP goes to Django; websockets (live threads) are authenticated from the session
and accepted only from this site's own origin (scrubroom/origins.py).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrubroom.settings")
django_asgi_app = get_asgi_application()

# Daphne, unlike runserver, runs no system checks. Refuse to serve with any error among them,
# above all a data store outside the deployment's region.
from scrubroom.residency import refuse_to_start_on_errors  # noqa: E402

refuse_to_start_on_errors()

# Under Daphne, request bodies stay in memory, bounded, instead of going to Twisted's temporary
# files: an original photo never reaches a disk (scrubroom/inmemory_bodies.py).
from scrubroom import inmemory_bodies  # noqa: E402

inmemory_bodies.install()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from scrubroom.origins import SameOriginValidator  # noqa: E402
from scrubroom.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
