/* Scrubroom image uploads: drag and drop or choose files, a progress bar per file, the
 * scrubbed preview with its receipt, and an editor to black out, crop and rotate before
 * posting. The server applies every edit to the pixels; nothing here is trusted.
 * Without this script the file input simply posts the files with the form. */
(function () {
  "use strict";

  // A busy scrubber (503 with retry) is asked again this many times, as it says when.
  const MAX_ATTEMPTS = 5;

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function text(tag, className, content) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (content !== undefined) element.textContent = content;
    return element;
  }

  function button(label, onClick, extraClass) {
    const element = text("button", extraClass || "link", label);
    element.type = "button";
    element.addEventListener("click", onClick);
    return element;
  }

  function receiptText(receipt) {
    const removed = (receipt && receipt.removed) || [];
    const notes = (receipt && receipt.notes) || [];
    const first = removed.length ? "Removed: " + removed.join(", ") + "." : "No hidden data found.";
    return [first].concat(notes).join(" ");
  }

  class Widget {
    constructor(root) {
      this.root = root;
      this.form = root.closest("form");
      this.url = root.dataset.uploadUrl;
      this.hidden = root.querySelector("input[name=uploads]");
      this.list = root.querySelector("[data-draft-list]");
      this.input = root.querySelector("input[type=file]");
      this.zone = root.querySelector("[data-drop-zone]");
      this.input.addEventListener("change", () => {
        this.addFiles(this.input.files);
        this.input.value = ""; // sent by the widget, not again with the form
      });
      for (const type of ["dragenter", "dragover"]) {
        this.zone.addEventListener(type, (event) => {
          event.preventDefault();
          this.zone.classList.add("dragging");
        });
      }
      for (const type of ["dragleave", "drop"]) {
        this.zone.addEventListener(type, () => this.zone.classList.remove("dragging"));
      }
      this.zone.addEventListener("drop", (event) => {
        event.preventDefault();
        this.addFiles(event.dataTransfer.files);
      });
      // Drafts the server rendered (the form came back): give them their tools.
      for (const item of this.list.querySelectorAll("[data-draft]")) {
        const image = item.querySelector("img");
        this.decorate(item, {
          id: Number(item.dataset.draft),
          url: image.getAttribute("src"),
          width: image.width,
          height: image.height,
        });
      }
    }

    ids() {
      return this.hidden.value.split(",").filter((value) => /^\d+$/.test(value));
    }

    setIds(ids) {
      this.hidden.value = ids.join(",");
    }

    addFiles(files) {
      for (const file of files) this.upload(file);
    }

    upload(file, item = null, attempt = 1) {
      if (!item) {
        item = text("li", "draft");
        item.append(text("p", "draft-name", file.name));
        this.list.append(item);
      }
      for (const old of item.querySelectorAll("progress, .error, .retrying, button")) old.remove();
      const progress = document.createElement("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", "Uploading " + file.name);
      item.append(progress);
      const data = new FormData();
      data.append("file", file);
      const request = new XMLHttpRequest();
      request.open("POST", this.url);
      request.setRequestHeader("X-CSRFToken", csrfToken(this.form));
      request.responseType = "json";
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      request.addEventListener("load", () => {
        progress.remove();
        const body = request.response || {};
        if (request.status === 201) {
          item.dataset.draft = body.id;
          this.setIds(this.ids().concat([String(body.id)]));
          this.show(item, body);
        } else if (request.status === 503 && body.retry && attempt < MAX_ATTEMPTS) {
          // The scrubber is busy with other images: the same file goes again by itself.
          const seconds = Number(request.getResponseHeader("Retry-After")) || 2;
          const note = text("p", "retrying", body.error || "Busy: retrying in a moment.");
          note.setAttribute("role", "status");
          item.append(note);
          window.setTimeout(() => this.upload(file, item, attempt + 1), seconds * 1000);
        } else {
          // The file's fault says why; ours (503) says so and offers the same file again.
          item.append(text("p", "error", body.error || "The upload failed. Try again."));
          if (request.status === 503) item.append(button("Try again", () => this.upload(file, item)));
          item.append(button("Dismiss", () => item.remove()));
        }
      });
      request.addEventListener("error", () => {
        progress.remove();
        item.append(text("p", "error", "The upload failed (network). Try again."));
        item.append(button("Try again", () => this.upload(file, item)));
        item.append(button("Dismiss", () => item.remove()));
      });
      request.send(data);
    }

    show(item, upload) {
      for (const old of item.querySelectorAll("img, .receipt")) old.remove();
      const image = document.createElement("img");
      image.src = upload.url;
      image.alt = "Scrubbed image";
      image.width = upload.width;
      image.height = upload.height;
      item.append(image, text("p", "receipt", receiptText(upload.receipt)));
      this.decorate(item, upload);
    }

    decorate(item, upload) {
      const old = item.querySelector(".draft-tools");
      if (old) old.remove();
      const tools = text("p", "draft-tools");
      tools.append(
        button("Black out, crop or rotate", () => this.edit(item, upload)),
        document.createTextNode(" "),
        button("Remove", () => this.discard(item, upload)),
      );
      item.append(tools);
    }

    discard(item, upload) {
      fetch("/uploads/" + upload.id + "/discard/", {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(this.form) },
        credentials: "same-origin",
      }).then((response) => {
        if (response.ok) {
          this.setIds(this.ids().filter((id) => id !== String(upload.id)));
          item.remove();
        }
      });
    }

    edit(item, upload) {
      if (item.querySelector(".editor")) return;
      new Editor(this, item, upload);
    }
  }

  /* Draw black rectangles or a crop on the image, rotate in quarter turns, then ask the
   * server to apply them. Coordinates are in the rotated image's own pixels. */
  class Editor {
    constructor(widget, item, upload) {
      this.widget = widget;
      this.item = item;
      this.upload = upload;
      this.rotate = 0;
      this.rectangles = [];
      this.crop = null;
      this.mode = "redact";
      this.root = text("div", "editor");
      this.canvas = document.createElement("canvas");
      this.canvas.setAttribute("role", "img");
      this.canvas.setAttribute("aria-label", "Image editor: drag to draw a box");
      const tools = text("div", "editor-tools");
      this.redactButton = button("Black out", () => this.setMode("redact"), "");
      this.cropButton = button("Crop", () => this.setMode("crop"), "");
      tools.append(
        this.redactButton,
        this.cropButton,
        button("Rotate ↻", () => this.turn(), ""),
        button("Undo", () => this.undo(), ""),
        button("Apply", () => this.apply(), ""),
        button("Cancel", () => this.close(), ""),
      );
      this.status = text("p", "muted", "Drag over faces, tattoos, labels or text to black them out.");
      this.status.setAttribute("role", "status");
      this.root.append(tools, this.canvas, this.status);
      item.append(this.root);
      this.image = new Image();
      this.image.addEventListener("load", () => this.draw());
      this.image.src = upload.url;
      this.setMode("redact");
      this.listen();
    }

    setMode(mode) {
      this.mode = mode;
      this.redactButton.setAttribute("aria-pressed", String(mode === "redact"));
      this.cropButton.setAttribute("aria-pressed", String(mode === "crop"));
    }

    size() {
      const turned = this.rotate % 180 !== 0;
      const width = turned ? this.image.naturalHeight : this.image.naturalWidth;
      const height = turned ? this.image.naturalWidth : this.image.naturalHeight;
      return { width, height };
    }

    draw() {
      const { width, height } = this.size();
      this.canvas.width = width;
      this.canvas.height = height;
      const context = this.canvas.getContext("2d");
      context.save();
      context.translate(width / 2, height / 2);
      context.rotate((this.rotate * Math.PI) / 180);
      context.drawImage(this.image, -this.image.naturalWidth / 2, -this.image.naturalHeight / 2);
      context.restore();
      context.fillStyle = "#000";
      for (const [x, y, w, h] of this.rectangles) context.fillRect(x, y, w, h);
      if (this.crop) {
        const [x, y, w, h] = this.crop;
        context.fillStyle = "rgba(0, 0, 0, 0.45)";
        context.fillRect(0, 0, width, y);
        context.fillRect(0, y + h, width, height - y - h);
        context.fillRect(0, y, x, h);
        context.fillRect(x + w, y, width - x - w, h);
        context.strokeStyle = "#fff";
        context.lineWidth = Math.max(2, width / 400);
        context.strokeRect(x, y, w, h);
      }
    }

    point(event) {
      const box = this.canvas.getBoundingClientRect();
      return [
        Math.round(((event.clientX - box.left) / box.width) * this.canvas.width),
        Math.round(((event.clientY - box.top) / box.height) * this.canvas.height),
      ];
    }

    listen() {
      let start = null;
      this.canvas.addEventListener("pointerdown", (event) => {
        start = this.point(event);
        this.canvas.setPointerCapture(event.pointerId);
      });
      this.canvas.addEventListener("pointermove", (event) => {
        if (!start) return;
        this.preview = this.box(start, this.point(event));
        this.draw();
        const context = this.canvas.getContext("2d");
        context.strokeStyle = this.mode === "crop" ? "#fff" : "#f00";
        context.lineWidth = Math.max(2, this.canvas.width / 400);
        context.strokeRect(...this.preview);
      });
      this.canvas.addEventListener("pointerup", (event) => {
        if (!start) return;
        const rect = this.box(start, this.point(event));
        start = null;
        if (rect[2] < 3 || rect[3] < 3) return this.draw();
        if (this.mode === "crop") this.crop = rect;
        else this.rectangles.push(rect);
        this.draw();
        this.status.textContent =
          this.rectangles.length + " area(s) blacked out" + (this.crop ? ", cropped" : "") + ". Apply to keep.";
      });
    }

    box([x1, y1], [x2, y2]) {
      return [Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1)];
    }

    turn() {
      // Marks are drawn in the rotated frame; a new turn starts them afresh.
      this.rotate = (this.rotate + 90) % 360;
      this.rectangles = [];
      this.crop = null;
      this.draw();
    }

    undo() {
      if (this.crop) this.crop = null;
      else this.rectangles.pop();
      this.draw();
    }

    apply() {
      this.status.textContent = "Applying…";
      fetch("/uploads/" + this.upload.id + "/redact/", {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(this.widget.form), "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ rotate: this.rotate, crop: this.crop, rectangles: this.rectangles }),
      })
        .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
        .then(({ ok, body }) => {
          if (!ok) {
            this.status.textContent = body.error || "The edits could not be applied.";
            return;
          }
          this.close();
          this.widget.show(this.item, body);
        });
    }

    close() {
      this.root.remove();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const root of document.querySelectorAll("[data-upload-widget]")) new Widget(root);
  });
})();
