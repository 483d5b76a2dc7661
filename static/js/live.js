/* A websocket that comes back by itself, shared by the header (me.js) and live threads
 * (thread.js): exponential backoff with jitter, at once when the browser is online again or
 * the tab visible, and never after the server said no (signed out, or not allowed). */
(function () {
  "use strict";

  // The server's own close codes: do not come back (4430: too many pages open).
  const REFUSED = new Set([4401, 4403, 4430]);
  const RECONNECT = 4001; // the session or the roles changed: come back at once, as whoever we now are
  const FIRST_DELAY = 1000;
  const MAX_DELAY = 30000;

  class LiveSocket {
    /* handlers: open(socket), message(data), healthy(), dropped(wasHealthy), refused(code),
     * stillAllowed() (after the server's 4001). Only `message` is required. */
    constructor(path, handlers) {
      this.path = path;
      this.handlers = handlers;
      this.delay = FIRST_DELAY;
      this.socket = null;
      this.timer = null;
      this.stopped = false;
      window.addEventListener("online", () => this.reconnectNow());
      document.addEventListener("visibilitychange", () => {
        if (!document.hidden) this.reconnectNow();
      });
      this.connect();
    }

    connect() {
      if (this.stopped) return;
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const socket = new WebSocket(scheme + "//" + location.host + this.path);
      // Healthy once the server has spoken (both consumers send something at once): some
      // proxies accept the upgrade and then cut every websocket, which must not count.
      let healthy = false;
      this.socket = socket;
      socket.addEventListener("open", () => {
        if (this.handlers.open) this.handlers.open(socket);
      });
      socket.addEventListener("message", (message) => {
        if (!healthy) {
          healthy = true;
          this.delay = FIRST_DELAY;
          if (this.handlers.healthy) this.handlers.healthy();
        }
        this.handlers.message(JSON.parse(message.data));
      });
      socket.addEventListener("close", (event) => {
        if (this.socket !== socket) return;
        this.socket = null;
        if (REFUSED.has(event.code)) {
          this.stopped = true;
          if (this.handlers.refused) this.handlers.refused(event.code);
          return;
        }
        clearTimeout(this.timer);
        if (event.code === RECONNECT) {
          // A refused handshake looks like a network failure to the page, so ask over HTTP
          // first (handlers.stillAllowed, a Promise of true or false) whether to come back.
          const ask = this.handlers.stillAllowed
            ? this.handlers.stillAllowed().catch(() => true)
            : Promise.resolve(true);
          ask.then((allowed) => {
            if (allowed) {
              this.timer = setTimeout(() => this.connect(), Math.random() * 250);
              return;
            }
            this.stopped = true;
            if (this.handlers.refused) this.handlers.refused(4401);
          });
          return;
        }
        if (this.handlers.dropped) this.handlers.dropped(healthy);
        this.timer = setTimeout(() => this.connect(), this.delay + Math.random() * 500);
        this.delay = Math.min(this.delay * 2, MAX_DELAY);
      });
    }

    reconnectNow() {
      if (this.stopped || this.socket) return;
      clearTimeout(this.timer);
      this.delay = FIRST_DELAY;
      this.connect();
    }

    isOpen() {
      return Boolean(this.socket && this.socket.readyState === WebSocket.OPEN);
    }

    send(data) {
      if (this.isOpen()) this.socket.send(JSON.stringify(data));
    }
  }

  window.LiveSocket = LiveSocket;
})();
