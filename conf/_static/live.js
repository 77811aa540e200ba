// Live mode: run and edit a lesson's code in the browser, with Python served by the site itself.
//
// Reading a page loads only this file. "Live mode" makes each code cell editable, with a Run
// button (class live-run), a Stop button while it runs (live-stop), a Reset button once edited
// (live-reset) and an output area (live-output, whose data-state ends at done, error or stopped).
// Switching live mode on starts Python in a worker (live-worker.js); one interpreter per page.
// Running a cell first runs the cells above it that have not run (or were edited since), then
// the cell, then the hidden cells that follow it, as the build ran them: their checks, and the
// figures they glue, which are drawn anew in the page. Edits are kept in the browser's storage.
"use strict";

(() => {
  const script = document.currentScript;
  const page = script.dataset.page;
  const staticDir = new URL(".", script.src).href;
  let cells = null; // the page's code cells, from _static/live/cells/<page>.json
  let imports = []; // the modules the page's cells import, in order
  let bytecode = [];
  let worker = null;
  let generation = 0; // a Stop ends a generation: its runs, queued or running, are dropped
  let queue = Promise.resolve();
  let ranUpTo = -1; // every cell up to this position has run, as it reads now
  let preloaded = false;
  let bar = null;
  let nextId = 0;
  const pending = new Map();
  const BUSY = ["queued", "waiting", "running"];

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function status(text) {
    bar.querySelector(".live-status").textContent = text;
  }

  // -- Python, in a worker ---------------------------------------------------------------------

  function startWorker() {
    worker = new Worker(staticDir + "live-worker.js");
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") {
        if (data.text) status(data.text);
        return;
      }
      if (data.type === "loaded") {
        bar.dataset.loaded = "all"; // every package the page imports: no Run waits for one
        return;
      }
      const { resolve } = pending.get(data.id);
      pending.delete(data.id);
      resolve(data);
    };
    worker.postMessage({ type: "start", packages: cells[0].needs, bytecode });
  }

  const code = (cell) => (cell.editor ? cell.editor.value : cell.source);
  const edited = (cell) => cell.editor && cell.editor.value !== cell.source.replace(/\n$/, "");

  function execute(cell, quiet) {
    const id = nextId++;
    // Edited code may import what the page imports further down, or any package live mode has.
    const changed = Boolean(edited(cell));
    const needs = changed ? cells[cells.length - 1].needs : cell.needs;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      const name = `cell ${cell.index}`;
      worker.postMessage({ type: "run", id, code: code(cell), name, quiet, needs, edited: changed });
    });
  }

  function preload() {
    if (preloaded) return;
    preloaded = true;
    worker.postMessage({ type: "preload", packages: cells[cells.length - 1].needs, imports });
  }

  // -- Outputs --------------------------------------------------------------------------------

  function render(output) {
    if (output.type === "stream") {
      return element("pre", { class: "live-text", "data-kind": "stream" }, output.text);
    }
    if (output.type === "error") {
      return element("pre", { class: "live-error", "data-kind": "error" }, output.traceback);
    }
    const data = output.data;
    const attributes = { "data-kind": output.type, "data-plain": data["text/plain"] };
    let node;
    if (data["image/svg+xml"] || data["image/png"]) {
      // An image, as the page's own figures are: reading.js offers it at full size on a phone.
      const src = data["image/svg+xml"]
        ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(data["image/svg+xml"])}`
        : `data:image/png;base64,${data["image/png"]}`;
      const img = element("img", { src, alt: "A figure the cell drew", class: "live-drawn" });
      img.addEventListener("load", () => document.dispatchEvent(new Event("live-figure")), { once: true });
      node = element("div", { ...attributes, class: "live-figure" });
      node.append(img);
    } else if (data["text/html"]) { // Markdown too: the kernel renders it with markdown-it-py
      node = element("div", { ...attributes, class: "live-rich" });
      node.innerHTML = data["text/html"];
      for (const table of node.querySelectorAll("table")) table.classList.add("table");
    } else if (data["text/latex"]) {
      const tex = data["text/latex"].trim().replace(/^\$\$?|\$\$?$/g, "");
      node = element("div", { ...attributes, class: "live-rich math notranslate nohighlight" });
      node.textContent = `\\[${tex}\\]`;
    } else {
      node = element("pre", { ...attributes, class: "live-text" }, data["text/plain"]);
    }
    return node;
  }

  function show(cell, outputs, notes = []) {
    const area = cell.output;
    area.replaceChildren(...outputs.map(render));
    note(cell, notes);
    if (window.MathJax && MathJax.typesetPromise) MathJax.typesetPromise([area]);
  }

  function note(cell, notes) {
    for (const text of notes) cell.output.append(element("p", { class: "live-note" }, text));
  }

  // A figure the page glues, drawn anew in its place: the page's image, its description kept.
  function draw(output) {
    const figure = document.querySelector(`figure.live-glue-${CSS.escape(output.name)}`);
    const img = figure && figure.querySelector("img");
    const svg = output.data["image/svg+xml"];
    if (!img || !svg) return;
    if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
    img.addEventListener("load", () => document.dispatchEvent(new Event("live-figure")), { once: true });
    img.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    img.classList.add("live-drawn");
    const caption = figure.querySelector("figcaption p");
    if (caption && !caption.querySelector(".live-badge")) {
      caption.prepend(element("span", { class: "live-badge" }, "Drawn live from the code above."), " ");
    }
  }

  // -- Running --------------------------------------------------------------------------------

  const hidden = (cell) => !cell.editor;

  async function runCell(cell, notes) {
    cell.output.dataset.state = "running";
    const result = await execute(cell, !cell.output.isConnected);
    if (result.type === "stopped") return false;
    if (result.type === "failed") {
      cell.output.dataset.state = "error";
      show(cell, [], [`Python could not start: ${result.message}`]);
      status("Python could not start.");
      return false;
    }
    const error = result.outputs.find((o) => o.type === "error");
    if (error && cell.tags.includes("remove-cell")) {
      // A hidden check of the page: it held for the page's values, not necessarily for yours.
      notes.push(`A hidden check of this page no longer holds (${error.ename}: ${error.evalue}).`);
    }
    result.outputs.filter((o) => o.type === "glued").forEach(draw);
    if (cell.output.isConnected) show(cell, result.outputs.filter((o) => o.type !== "glued"));
    cell.output.dataset.state = error ? "error" : "done";
    return !error || cell.tags.includes("raises-exception") || cell.tags.includes("remove-cell");
  }

  async function runUpTo(position, run) {
    const target = cells[position];
    let end = position; // the hidden cells after it run with it
    while (end + 1 < cells.length && hidden(cells[end + 1])) end++;
    const notes = [];
    const started = performance.now();
    let final = "done";
    target.output.dataset.state = "waiting";
    target.output.replaceChildren();
    for (let p = Math.min(ranUpTo + 1, position); p <= end; p++) {
      const ok = await runCell(cells[p], notes);
      if (run !== generation) return; // stopped
      if (p === position) {
        final = target.output.dataset.state;
        target.output.dataset.state = "running"; // until the hidden cells after it have run
      }
      if (!ok) {
        ranUpTo = p - 1; // the failing cell runs again next time
        if (p < position) {
          target.output.dataset.state = "stopped";
          show(target, [], [...notes, "Stopped: a cell above this one failed; fix it and run again."]);
          return;
        }
        break;
      }
      ranUpTo = Math.max(ranUpTo, p);
    }
    note(target, notes);
    target.output.dataset.state = final;
    status(`Ran in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    preload();
  }

  function run(position) {
    const run = generation;
    cells[position].output.dataset.state = "queued";
    queue = queue.then(() => (run === generation ? runUpTo(position, run) : undefined));
    return queue;
  }

  // Stop: end the worker (Python cannot be interrupted from outside it), start a new one.
  function stop() {
    generation++;
    worker.terminate();
    for (const { resolve } of pending.values()) resolve({ type: "stopped" });
    pending.clear();
    queue = Promise.resolve();
    ranUpTo = -1;
    preloaded = false;
    delete bar.dataset.loaded;
    for (const cell of cells) {
      if (BUSY.includes(cell.output.dataset.state)) {
        cell.output.dataset.state = "stopped";
        note(cell, ["Stopped. Python has restarted: the next Run runs the cells above again."]);
      }
    }
    startWorker();
    status("Stopped; Python is starting again.");
  }

  // -- The reader's edits, kept in the browser -------------------------------------------------

  const key = (cell) => `derivatives-live:${page}:${cell.index}`;

  function keep(cell) {
    try {
      if (edited(cell)) {
        localStorage.setItem(key(cell), JSON.stringify({ source: cell.source, code: cell.editor.value }));
      } else {
        localStorage.removeItem(key(cell));
      }
    } catch (error) { // storage off or full: the edit stays for this visit
    }
  }

  function kept(cell) {
    try {
      const saved = JSON.parse(localStorage.getItem(key(cell)));
      return saved && saved.source === cell.source ? saved.code : null; // not if the page changed
    } catch (error) {
      return null;
    }
  }

  // -- Switching a page to live mode ---------------------------------------------------------

  function makeLive(cell, position) {
    const container = document.querySelector(`div.cell.live-cell-${cell.index}`);
    if (!container) return;
    const input = container.querySelector(".cell_input");
    cell.output = element("div", { class: "live-output", "data-state": "idle", "aria-live": "polite" });
    if (!input) { // a hidden input whose output the page shows: refreshed live below it
      container.append(cell.output);
      return;
    }
    const editor = element("textarea", {
      class: "live-editor", spellcheck: "false", "aria-label": "Python code of this cell",
    });
    editor.value = kept(cell) ?? cell.source.replace(/\n$/, "");
    const fit = () => { editor.rows = Math.max(1, editor.value.split("\n").length); };
    fit();
    cell.editor = editor;
    const button = (name, text, title) => {
      const node = element("button", { class: name, type: "button" }, text);
      node.title = title;
      return node;
    };
    const runButton = button("live-run", "▶ Run", "Run this cell (Shift+Enter), after the cells above it that have not run");
    const stopButton = button("live-stop", "■ Stop", "Stop the code that is running; Python restarts");
    const resetButton = button("live-reset", "↺ Reset", "Put back this cell's code as the page has it");
    resetButton.hidden = !edited(cell);
    runButton.addEventListener("click", () => run(position));
    stopButton.addEventListener("click", stop);
    resetButton.addEventListener("click", () => {
      editor.value = cell.source.replace(/\n$/, "");
      editor.dispatchEvent(new Event("input"));
      editor.focus();
    });
    editor.addEventListener("input", () => {
      fit();
      ranUpTo = Math.min(ranUpTo, position - 1); // the cell, and those below it, run again
      resetButton.hidden = !edited(cell);
      keep(cell);
    });
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        run(position);
      }
    });
    input.hidden = true;
    const controls = element("div", { class: "live-controls" });
    controls.append(runButton, stopButton, resetButton);
    input.after(editor, controls, cell.output);
  }

  async function enter(toggle) {
    toggle.disabled = true;
    const response = await fetch(`${staticDir}live/cells/${page}.json`);
    const found = await response.json();
    cells = found.cells;
    bytecode = found.bytecode;
    imports = found.imports;
    cells.forEach((cell) => {
      cell.output = element("div"); // replaced for cells the page shows
    });
    cells.forEach(makeLive);
    startWorker();
    toggle.textContent = "Live mode is on";
    document.body.classList.add("live-mode");
    const restored = cells.filter(edited).length;
    bar.append(element("p", { class: "live-about" },
      "Edit any cell and press Run: what the cells print and draw changes, figures included; " +
      "the numbers in the text stay those of the page as written." +
      (restored ? ` Your edits to ${restored === 1 ? "one cell are" : `${restored} cells are`} back` +
        " from your last visit; Reset under a cell puts back its code." : "")));
    status("Python is starting…");
  }

  function addToggle() {
    if (!document.querySelector('div.cell[class*="live-cell-"] .cell_input')) return;
    const heading = document.querySelector("article.bd-article h1") || document.querySelector("article h1");
    if (!heading) return;
    bar = element("div", { class: "live-bar" });
    const toggle = element("button", { class: "live-toggle", type: "button" }, "▶ Live mode");
    toggle.title = "Run and edit this page's code in your browser: nothing is sent anywhere";
    toggle.addEventListener("click", () => enter(toggle));
    bar.append(toggle, element("span", { class: "live-status", role: "status" }));
    heading.after(bar);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addToggle);
  else addToggle();
})();
