// Reading on a phone and from the keyboard.
//
// Loaded with `defer`, so it runs once the page is parsed and before the themes' scripts
// attach their handlers.

// 1. The sidebar buttons. The book theme hides the PyData theme's header, but that header
// still holds a `.primary-toggle` and a `.secondary-toggle` button, and both themes bind
// only the first of each on the page: the hidden ones. Removing the hidden pair lets the
// themes bind the buttons a reader sees (the drawer on a phone, the collapse on a desktop).
for (const button of document.querySelectorAll(
  "#pst-header .primary-toggle, #pst-header .secondary-toggle",
)) {
  if (button.offsetParent === null) button.remove();
}
// The book theme takes the focus off a clicked toggle (to hide its tooltip), so a drawer
// that closes would leave the focus nowhere: give it back to the toggle.
for (const [drawer, toggle] of [
  ["#pst-primary-sidebar-modal", ".primary-toggle"],
  ["#pst-secondary-sidebar-modal", ".secondary-toggle"],
]) {
  const dialog = document.querySelector(drawer);
  // A section of this page chosen in the drawer: close it, and the page shows the section.
  dialog?.addEventListener("click", (event) => {
    if (event.target.closest?.("a[href^='#']")) dialog.close();
  });
  dialog?.addEventListener("close", () =>
    setTimeout(() => {
      const active = document.activeElement;
      if (!active || active === document.body) {
        document.querySelector(toggle)?.focus({ preventScroll: true });
      }
    }),
  );
}

// 2. Figures at full size. A figure scaled down to fit a narrow column (a phone) becomes a
// button that opens it at its natural size in a dialog, scrolled sideways if it is wider
// than the screen.
(() => {
  const SHRUNK = 0.9; // a figure shown at under 90 % of its size can be opened larger
  const figures = () =>
    document.querySelectorAll(
      "article.bd-article img[src$='.svg'], article.bd-article img.live-drawn, " +
        "article.bd-article .figure-zoom > img",
    );

  let dialog = null;
  const dialogFor = () => {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "figure-dialog";
    dialog.setAttribute("aria-label", "Figure at full size");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "figure-dialog__close";
    close.textContent = "Close";
    close.addEventListener("click", () => dialog.close());
    const view = document.createElement("div");
    view.className = "figure-dialog__view";
    view.tabIndex = 0; // the view scrolls: reachable by keyboard
    view.setAttribute("role", "region");
    view.setAttribute("aria-label", "Figure, scrollable");
    dialog.append(close, view);
    // Sphinx's highlighter swallows Escape on the page: close the dialog here.
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        dialog.close();
      }
    });
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close(); // a tap on the backdrop
    });
    document.body.append(dialog);
    return dialog;
  };

  const open = (img, button) => {
    const d = dialogFor();
    const copy = img.cloneNode();
    copy.removeAttribute("width");
    copy.removeAttribute("height");
    copy.style.width = `${img.naturalWidth}px`;
    const view = d.querySelector(".figure-dialog__view");
    view.replaceChildren(copy);
    d.addEventListener("close", () => button.focus(), { once: true });
    d.showModal();
    view.scrollLeft = 0;
    d.querySelector(".figure-dialog__close").focus();
  };

  const wrap = (img) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "figure-zoom";
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = "Open at full size: "; // then the figure's own description
    img.replaceWith(button);
    button.append(label, img);
    button.addEventListener("click", () => open(img, button));
  };

  const unwrap = (button) => button.replaceWith(button.querySelector("img"));

  const update = () => {
    for (const img of figures()) {
      if (!img.complete || img.naturalWidth === 0) continue;
      const button = img.parentElement.classList.contains("figure-zoom")
        ? img.parentElement
        : null;
      const shown = img.getBoundingClientRect().width;
      if (shown === 0) continue; // in a folded block: decided when it is shown
      const shrunk = shown < SHRUNK * img.naturalWidth;
      if (shrunk && !button) wrap(img);
      else if (!shrunk && button) unwrap(button);
    }
  };

  let pending = 0;
  const later = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  };
  window.addEventListener("load", update);
  window.addEventListener("resize", later);
  document.addEventListener("live-figure", later); // live mode drew a figure anew (live.js)
  // A folded block opened shows its figures.
  document.addEventListener("toggle", later, true);
})();

// 3. Names that match what a button shows, and every part of the page in a landmark.
// The search buttons show "Search… Ctrl+K" but were named "Search"; the folded blocks'
// toggles show "Show the solution" but were named "Toggle hidden content". Without the
// label, each is named by what it shows.
for (const control of document.querySelectorAll(
  "button.search-button__button[aria-label], details > summary[aria-label]",
)) {
  control.removeAttribute("aria-label");
}
// The site's name and logo at the top of the sidebar, with the search and the lesson list.
for (const start of document.querySelectorAll(".sidebar-primary-items__start")) {
  start.setAttribute("role", "navigation");
  start.setAttribute("aria-label", "Site");
}

// 4. An empty corner of a table (above a column of row names) is a cell, not a header.
for (const th of document.querySelectorAll("article th")) {
  if (th.textContent.trim() || th.querySelector("img, svg, .math")) continue;
  const cell = document.createElement("td");
  for (const attribute of th.attributes) cell.setAttribute(attribute.name, attribute.value);
  cell.append(...th.childNodes);
  th.replaceWith(cell);
}

// 5. A table header holding only a formula: MathJax draws it hidden from screen readers and
// adds MathML, which gives the header no text. Give it the formula's text instead.
const nameMathHeaders = () => {
  for (const th of document.querySelectorAll("th")) {
    const math = th.querySelectorAll("mjx-assistive-mml");
    if (math.length === 0 || th.querySelector(".visually-hidden")) continue;
    const copy = th.cloneNode(true);
    copy.querySelectorAll("mjx-container").forEach((m) => m.remove());
    if (copy.textContent.trim()) continue; // the header has words of its own
    const said = document.createElement("span");
    said.className = "visually-hidden";
    said.textContent = [...math].map((m) => m.textContent).join(" ");
    for (const m of math) m.setAttribute("aria-hidden", "true");
    th.append(said);
  }
};

// 6. A displayed formula wider than the column scrolls sideways: then, and only then, it is a
// tab stop, so that the keyboard can scroll it (the theme does the same for code blocks).
const focusWideFormulas = () => {
  for (const math of document.querySelectorAll("mjx-container[display='true']")) {
    if (math.scrollWidth > math.clientWidth + 1) math.tabIndex = 0;
    else math.removeAttribute("tabindex");
  }
};

// MathJax loads with the page and typesets once it is ready.
window.addEventListener("load", () =>
  window.MathJax?.startup?.promise?.then(() => {
    nameMathHeaders();
    focusWideFormulas();
    let pending = 0;
    window.addEventListener("resize", () => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(focusWideFormulas);
    });
  }),
);
