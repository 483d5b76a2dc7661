/* A live thread. The socket only says *what* changed (ids); the page fetches each change
 * through the same permission-checked views as a reload would, in order, once. After a
 * drop it resumes from the last event it handled; if websockets never connect it polls. */
(function () {
  "use strict";
  // What the page fetches by itself (polling, live updates) is not the member's activity:
  // an open page must not keep an idle session alive (members/middleware.py).
  const BACKGROUND = { "X-Scrubroom-Background": "1" };

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
      this.failures = 0;
      this.polling = null;
      this.typers = new Map();
      this.form = document.querySelector("[data-reply-form]");
      if (this.form) this.enhanceForm();
      this.live = new window.LiveSocket("/ws/cases/" + this.caseId + "/", {
        open: (socket) => socket.send(JSON.stringify({ type: "resume", after: this.last })),
        healthy: () => {
          this.failures = 0;
          this.stopPolling();
          this.status("");
        },
        message: (data) => this.receive(data),
        dropped: (wasHealthy) => {
          if (!wasHealthy) this.failures += 1;
          if (this.failures >= 3) this.startPolling(); // websockets seem blocked here
          if (!this.polling) this.status("Reconnecting…");
        },
        // Signed out or no longer allowed: the events endpoint (the same permission check)
        // answers with a redirect to sign in, or 403/404.
        stillAllowed: () =>
          fetch("/cases/" + this.caseId + "/events/?after=" + this.last, {
            credentials: "same-origin",
            headers: BACKGROUND,
          }).then((response) => response.ok && !response.redirected),
        refused: (code) =>
          this.status(
            code === 4430
              ? "Too many Scrubroom pages are open: close some, then reload this one for live replies."
              : "You are no longer connected to this case. Reload the page."
          ),
      });
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
      return fetch("/replies/" + id + "/fragment/", { credentials: "same-origin", headers: BACKGROUND }).then((response) => {
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
      return fetch(location.pathname, { credentials: "same-origin", headers: BACKGROUND }).then((response) => {
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
        fetch("/cases/" + this.caseId + "/events/?after=" + this.last, {
          credentials: "same-origin",
          headers: BACKGROUND,
        })
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
        if (this.live.isOpen() && now - lastTyping > TYPING_EVERY) {
          lastTyping = now;
          this.live.send({ type: "typing" });
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
            if (response.status === 400) {
              // Findings: shown beside the reply box, where the author is, with the text
              // as typed; the address doesn't change.
              return response.text().then((html) => {
                if (!this.showFindings(html)) this.postNatively();
              });
            }
            if (response.status !== 201) {
              // Errors: the server's own page shows them with the text intact.
              this.postNatively();
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

    postNatively() {
      this.form.dataset.native = "1";
      this.form.submit();
    }

    showFindings(html) {
      const page = new DOMParser().parseFromString(html, "text/html");
      const findings = page.querySelector("#reply-form .findings");
      const section = this.form.closest("#reply-form");
      if (!findings || !section) return false;
      for (const old of section.querySelectorAll(".findings")) old.remove();
      this.form.before(document.importNode(findings, true));
      for (const old of this.form.querySelectorAll("fieldset.review-request")) old.remove();
      const button = this.form.querySelector("button[type=submit]");
      for (const fieldset of page.querySelectorAll("#reply-form form fieldset.review-request")) {
        button.before(document.importNode(fieldset, true));
      }
      // Files sent with the post are drafts now: keep their ids, don't send them twice.
      const drafts = page.querySelector("#reply-form form [name=uploads]");
      const uploads = this.form.querySelector("[name=uploads]");
      if (drafts && uploads) uploads.value = drafts.value;
      const files = this.form.querySelector("input[type=file][name=images]");
      if (files && drafts && drafts.value) files.value = "";
      if (window.scrubroomShowFindings) window.scrubroomShowFindings(section);
      return true;
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
