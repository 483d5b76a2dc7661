/* A live thread. The socket only says *what* changed (ids); the page fetches each change
 * through the same permission-checked views as a reload would, in order, once. After a
 * drop it resumes from the last event it handled; if websockets never connect it polls. */
(function () {
  "use strict";

  const TYPING_EVERY = 3000;
  const TYPING_SHOWN = 8000;
  const POLL_EVERY = 5000;

  class Thread {
    constructor(root) {
      this.root = root;
      this.caseId = root.dataset.liveCase;
      this.last = Number(root.dataset.lastEvent || 0);
      this.list = document.querySelector("[data-reply-list]");
      this.presence = root.querySelector("[data-presence]");
      this.typing = root.querySelector("[data-typing]");
      this.connection = root.querySelector("[data-connection]");
      this.queue = Promise.resolve();
      this.delay = 1000;
      this.failures = 0;
      this.polling = null;
      this.stopped = false;
      this.typers = new Map();
      this.form = document.querySelector("[data-reply-form]");
      if (this.form) this.enhanceForm();
      this.connect();
      window.addEventListener("online", () => this.reconnectNow());
      document.addEventListener("visibilitychange", () => {
        if (!document.hidden) this.reconnectNow();
      });
    }

    connect() {
      if (this.stopped) return;
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      // Healthy once the server has spoken (it sends presence at once): some proxies accept
      // the upgrade and then cut every websocket, which must count as blocked too.
      let healthy = false;
      const socket = new WebSocket(scheme + "//" + location.host + "/ws/cases/" + this.caseId + "/");
      this.socket = socket;
      socket.addEventListener("open", () => {
        socket.send(JSON.stringify({ type: "resume", after: this.last }));
      });
      socket.addEventListener("message", (message) => {
        if (!healthy) {
          healthy = true;
          this.delay = 1000;
          this.failures = 0;
          this.stopPolling();
          this.status("");
        }
        this.receive(JSON.parse(message.data));
      });
      socket.addEventListener("close", (event) => {
        if (this.socket !== socket) return;
        this.socket = null;
        if (event.code === 4401 || event.code === 4403) {
          this.stopped = true;
          this.status("You are no longer connected to this case. Reload the page.");
          return;
        }
        if (!healthy) this.failures += 1;
        if (this.failures >= 3) this.startPolling(); // websockets seem blocked here
        if (!this.polling) this.status("Reconnecting…");
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.connect(), this.delay + Math.random() * 500);
        this.delay = Math.min(this.delay * 2, 30000);
      });
    }

    reconnectNow() {
      if (this.stopped || this.socket) return;
      clearTimeout(this.timer);
      this.delay = 1000;
      this.connect();
    }

    status(text) {
      if (this.connection) this.connection.textContent = text;
    }

    receive(data) {
      if (data.type === "events") {
        if (data.reload) return location.reload();
        for (const event of data.events) this.enqueue(event);
      } else if (data.type === "event") {
        this.enqueue(data.event);
      } else if (data.type === "presence") {
        const others = data.viewers - 1;
        this.presence.textContent =
          others > 0 ? others + (others === 1 ? " colleague" : " colleagues") + " viewing" : "";
      } else if (data.type === "typing") {
        this.typers.set(data.name, Date.now());
        this.showTyping();
        setTimeout(() => this.showTyping(), TYPING_SHOWN + 100);
      }
    }

    showTyping() {
      const now = Date.now();
      for (const [name, at] of this.typers) if (now - at > TYPING_SHOWN) this.typers.delete(name);
      const names = [...this.typers.keys()];
      this.typing.textContent = names.length
        ? names.join(", ") + (names.length === 1 ? " is typing…" : " are typing…")
        : "";
    }

    // Events are applied one after another, in id order, each at most once.
    enqueue(event) {
      this.queue = this.queue.then(() => {
        if (event.id <= this.last) return;
        return this.apply(event).then(() => { this.last = event.id; });
      }).catch(() => {});
    }

    apply(event) {
      if (event.kind === "case_changed" || (event.kind === "image" && !event.reply)) {
        return this.refreshCase();
      }
      if (event.reply) return this.refreshReply(event.reply, event.kind === "reply");
      return Promise.resolve();
    }

    refreshReply(id, isNew) {
      return fetch("/replies/" + id + "/fragment/", { credentials: "same-origin" }).then((response) => {
        const existing = document.getElementById("reply-" + id);
        if (response.status === 404) {
          if (existing) existing.remove(); // no longer visible to this viewer
          return;
        }
        if (!response.ok) throw new Error("fragment " + response.status);
        return response.text().then((html) => {
          const template = document.createElement("template");
          template.innerHTML = html.trim();
          const fresh = template.content.firstElementChild;
          if (existing) existing.replaceWith(fresh);
          else if (isNew || !existing) this.list.append(fresh);
          this.typers.clear();
          this.showTyping();
        });
      });
    }

    refreshCase() {
      return fetch(location.pathname, { credentials: "same-origin" }).then((response) => {
        if (!response.ok) return;
        return response.text().then((html) => {
          const page = new DOMParser().parseFromString(html, "text/html");
          const fresh = page.querySelector("article.case");
          const current = document.querySelector("article.case");
          if (fresh && current) current.replaceWith(document.importNode(fresh, true));
          const freshForm = page.querySelector("#reply-form");
          const currentForm = document.querySelector("#reply-form");
          if (!freshForm && currentForm) currentForm.remove(); // locked or no longer open
        });
      });
    }

    startPolling() {
      if (this.polling) return;
      this.status("Live updates are slow on this network; checking every few seconds.");
      this.polling = setInterval(() => {
        fetch("/cases/" + this.caseId + "/events/?after=" + this.last, { credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : null))
          .then((data) => { if (data) this.receive({ type: "events", ...data }); })
          .catch(() => {});
      }, POLL_EVERY);
    }

    stopPolling() {
      clearInterval(this.polling);
      this.polling = null;
    }

    // Posting a reply without leaving the page; the author sees it once.
    enhanceForm() {
      const textarea = this.form.querySelector("textarea[name=body]");
      let lastTyping = 0;
      textarea.addEventListener("input", () => {
        const now = Date.now();
        if (this.socket && this.socket.readyState === 1 && now - lastTyping > TYPING_EVERY) {
          lastTyping = now;
          this.socket.send(JSON.stringify({ type: "typing" }));
        }
      });
      this.form.addEventListener("submit", (event) => {
        if (this.form.dataset.native) return; // the fallback below: let the browser post
        event.preventDefault();
        const button = this.form.querySelector("button[type=submit]");
        if (button.disabled) return; // already sending: one press, one reply
        this.sendError("");
        button.disabled = true;
        const label = button.textContent;
        button.textContent = "Sending…";
        fetch(this.form.action, {
          method: "POST",
          body: new FormData(this.form),
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
        })
          .then((response) => {
            if (response.status !== 201) {
              // Findings, errors: the server's own page shows them with the text intact.
              this.form.dataset.native = "1";
              this.form.submit();
              return;
            }
            return response.json().then((reply) => {
              this.form.reset();
              const uploads = this.form.querySelector("input[name=uploads]");
              if (uploads) uploads.value = "";
              for (const draft of this.form.querySelectorAll("[data-draft]")) draft.remove();
              // Shown now, through the same queue as the events, so that its own event
              // (which may arrive first) finds it and replaces it: once, never twice.
              this.queue = this.queue.then(() => this.refreshReply(reply.id, true)).catch(() => {});
              return this.queue;
            });
          })
          // The network failed (offline, a dropped connection): a native post would land on
          // the browser's error page, so keep the text here and say what to do.
          .catch(() => {
            this.sendError(
              "Not sent: the connection dropped. Your reply is still here; " +
                "press “" + label + "” again when you are back online."
            );
          })
          .finally(() => { button.disabled = false; button.textContent = label; });
      });
    }

    sendError(message) {
      let note = this.form.querySelector("[data-send-error]");
      if (!message) {
        if (note) note.remove();
        return;
      }
      if (!note) {
        note = document.createElement("p");
        note.className = "error send-error";
        note.setAttribute("role", "alert");
        note.dataset.sendError = "";
        this.form.querySelector("button[type=submit]").before(note);
      }
      note.textContent = message;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-live-case]");
    if (root) new Thread(root);
  });
})();
