/* The header's live counts: unread notifications, and the review queue for moderators. */
(function () {
  "use strict";

  function show(selector, count) {
    const badge = document.querySelector(selector);
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = !count;
  }

  document.addEventListener("DOMContentLoaded", () => {
    new window.LiveSocket("/ws/me/", {
      message(data) {
        if (data.type !== "counts") return;
        show("[data-unread-count]", data.unread);
        if ("queue" in data) show("[data-queue-count]", data.queue);
      },
    });
  });
})();
