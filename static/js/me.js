/* The header's live counts: unread notifications, and the review queue for moderators. */
(function () {
  "use strict";
  let delay = 1000;

  function show(selector, count) {
    const badge = document.querySelector(selector);
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = !count;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + location.host + "/ws/me/");
    socket.addEventListener("open", () => { delay = 1000; });
    socket.addEventListener("message", (message) => {
      const data = JSON.parse(message.data);
      if (data.type !== "counts") return;
      show("[data-unread-count]", data.unread);
      if ("queue" in data) show("[data-queue-count]", data.queue);
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4401 || event.code === 4403) return; // signed out: nothing to follow
      setTimeout(connect, delay + Math.random() * 500);
      delay = Math.min(delay * 2, 30000);
    });
  }

  document.addEventListener("DOMContentLoaded", connect);
})();
