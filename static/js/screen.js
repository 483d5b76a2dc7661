/* The PHI screen on the page: findings get focus and a one-click replacement, the address
 * stays one that Back and reload can open, and the screen is asked while the author types.
 * Nothing is kept in the browser: the text goes to the server's screen and nowhere else. */
(function () {
  "use strict";

  // The nth occurrence of `needle` in `text` (the server counts them the same way).
  function nth(text, needle, n) {
    let at = -1;
    for (let i = 0; i <= n; i += 1) {
      at = text.indexOf(needle, at + 1);
      if (at < 0) return -1;
    }
    return at;
  }

  function fieldFor(button) {
    const scope = button.closest("section, main") || document;
    const container = scope.parentElement || document;
    return container.querySelector("form [name='" + button.dataset.field + "']") ||
      document.querySelector("form [name='" + button.dataset.field + "']");
  }

  function replace(field, text, occurrence, replacement) {
    const at = nth(field.value, text, occurrence);
    const where = at >= 0 ? at : field.value.indexOf(text);
    if (where < 0) return false;
    field.value = field.value.slice(0, where) + replacement + field.value.slice(where + text.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-replace]");
    if (!button) return;
    const field = fieldFor(button);
    if (!field) return;
    const done = replace(field, button.dataset.text, Number(button.dataset.occurrence || 0), button.dataset.with);
    const item = button.closest("li");
    button.remove();
    if (item) {
      item.classList.add(done ? "replaced" : "not-replaced");
      item.append(" " + (done ? "Replaced." : "Already changed."));
    }
  });

  // After a post came back with findings: focus them, and give the address bar the page's
  // own address (the form posted to a POST-only one; Back would show an error).
  function showFindings(root) {
    const findings = root.querySelector(".findings");
    if (!findings) return;
    findings.focus();
    const form = findings.parentElement && findings.parentElement.querySelector("form[data-reply-form]");
    const thread = document.querySelector("[data-live-case]");
    if (form && thread && location.pathname.endsWith("/replies/")) {
      history.replaceState(null, "", location.pathname.replace(/replies\/$/, "") + "#reply-form");
    }
  }
  window.scrubroomShowFindings = showFindings;
  document.addEventListener("DOMContentLoaded", () => showFindings(document));

  // Hints while typing: the same screen, asked a moment after the author stops.
  const WAIT_MS = 900;
  function hintsFor(field) {
    let box = field.parentElement.querySelector("[data-screen-hints]");
    if (!box) {
      box = document.createElement("div");
      box.className = "screen-hints";
      box.dataset.screenHints = "";
      box.setAttribute("aria-live", "polite");
      field.after(box);
    }
    return box;
  }

  function render(field, findings) {
    const box = hintsFor(field);
    box.replaceChildren();
    if (!findings.length) return;
    const title = document.createElement("p");
    title.className = "screen-hints-title";
    title.textContent = findings.some((f) => f.level === "identifier")
      ? "Possible patient identifiers (they will stop the post):"
      : "Check these before posting:";
    const list = document.createElement("ul");
    for (const finding of findings) {
      const item = document.createElement("li");
      item.dataset.level = finding.level;
      const mark = document.createElement("mark");
      mark.textContent = finding.text;
      item.append(mark, ": " + finding.reason);
      if (finding.replacement) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button-link";
        button.dataset.replace = "";
        button.dataset.field = field.name;
        button.dataset.text = finding.text;
        button.dataset.occurrence = String(finding.occurrence);
        button.dataset.with = finding.replacement;
        button.textContent = "Replace with “" + finding.replacement + "”";
        item.append(" ", button);
      }
      list.append(item);
    }
    box.append(title, list);
  }

  const timers = new WeakMap();
  const asked = new WeakMap();
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !("screen" in field.dataset)) return;
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(() => {
      const token = field.form && field.form.querySelector("[name=csrfmiddlewaretoken]");
      if (!token) return;
      const text = field.value;
      const body = new FormData();
      body.append("text", text);
      asked.set(field, text);
      fetch("/screen/", {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value, "X-Scrubroom-Background": "1" },
      })
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => {
          // Only the answer to the text as it still is: a late answer is dropped.
          if (data && asked.get(field) === text && field.value === text) render(field, data.findings);
        })
        .catch(() => {});
    }, WAIT_MS));
  });
})();
