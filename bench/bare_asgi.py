"""The baseline for bench/fanout.py: a bare websocket broadcaster in plain ASGI, served by
the same Daphne. Clients connect to /ws/; a POST to /post sends {"id", "at"} to each."""

from __future__ import annotations

import json
import time

sockets: set = set()
counter = 0


async def application(scope, receive, send):
    global counter
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        sockets.add(send)
        try:
            while (await receive())["type"] != "websocket.disconnect":
                pass
        finally:
            sockets.discard(send)
    elif scope["type"] == "http":
        while (await receive()).get("more_body"):
            pass
        counter += 1
        text = json.dumps({"type": "event", "event": {"id": counter}, "at": time.time()})
        for target in list(sockets):
            await target({"type": "websocket.send", "text": text})
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
