/* Forms that take a while to post (a case with images, an application with documents) say
 * so on their button and take one press only: a second tap on a phone must not post twice.
 * Opt in with data-sending="Publishing…" on the <form>. */
(function () {
  "use strict";

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.sending) return;
    if (form.dataset.busy) {
      event.preventDefault(); // already on its way
      return;
    }
    form.dataset.busy = "1";
    const button = event.submitter || form.querySelector("button[type=submit]");
    if (!button) return;
    button.dataset.label = button.textContent;
    const busy = () => {
      button.disabled = true;
      button.textContent = form.dataset.sending;
    };
    // A named button disabled now would drop out of the data being sent: after this turn.
    if (button.name) setTimeout(busy, 0);
    else busy();
  });

  // Back to a page from the browser's cache: its forms are ready again.
  window.addEventListener("pageshow", () => {
    for (const form of document.querySelectorAll("form[data-busy]")) {
      delete form.dataset.busy;
      for (const button of form.querySelectorAll("button[data-label]")) {
        button.disabled = false;
        button.textContent = button.dataset.label;
      }
    }
  });
})();
