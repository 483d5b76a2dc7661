"""Websocket routes (scrubroom/asgi.py serves them behind the origin check and session auth)."""

from django.urls import path

from forum.consumers import MeConsumer, ThreadConsumer

websocket_urlpatterns = [
    path("ws/cases/<int:pk>/", ThreadConsumer.as_asgi()),
    path("ws/me/", MeConsumer.as_asgi()),
]
