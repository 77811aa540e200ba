// Live mode: run and edit a lesson's code in the browser, with Python served by the site itself.
//
// Reading a page loads only this file. "Live mode" makes each code cell editable and gives it a
// Run button (class live-run) and an output area (class live-output); the first Run starts
// Python in a worker (live-worker.js). One interpreter per page. Running a cell first runs the
// earlier cells not yet run, hidden ones included, as the build ran them.
"use strict";

(() => {
  const script = document.currentScript;
  const page = script.dataset.page;
  const staticDir = new URL(".", script.src).href;
  let cells = null; // the page's code cells, from _static/live/cells/<page>.json
  let worker = null;
  let queue = Promise.resolve();
  let ranUpTo = -1; // every cell up to this position has run
  let bar = null;
  let nextId = 0;
  const pending = new Map();

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function status(text) {
    bar.querySelector(".live-status").textContent = text;
  }

  function startWorker() {
    worker = new Worker(staticDir + "live-worker.js");
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") {
        if (data.text) status(data.text);
        return;
      }
      const { resolve } = pending.get(data.id);
      pending.delete(data.id);
      resolve(data);
    };
  }

  function execute(cell, quiet) {
    if (!worker) startWorker();
    const id = nextId++;
    const code = cell.editor ? cell.editor.value : cell.source;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      worker.postMessage({ id, code, name: `cell ${cell.index}`, quiet });
    });
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
    if (data["image/svg+xml"]) {
      node = element("div", { ...attributes, class: "live-figure" });
      node.innerHTML = data["image/svg+xml"];
    } else if (data["image/png"]) {
      node = element("div", { ...attributes, class: "live-figure" });
      node.append(element("img", { src: `data:image/png;base64,${data["image/png"]}`, alt: "" }));
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
    for (const note of notes) area.append(element("p", { class: "live-note" }, note));
    if (window.MathJax && MathJax.typesetPromise) MathJax.typesetPromise([area]);
  }

  // -- Running --------------------------------------------------------------------------------

  const hidden = (cell) => cell.tags.includes("remove-cell") || cell.tags.includes("remove-input");

  async function runCell(cell, notes) {
    cell.output.dataset.state = "running";
    const result = await execute(cell, !cell.output.isConnected);
    if (result.type === "failed") {
      cell.output.dataset.state = "failed";
      show(cell, [], [`Python could not start: ${result.message}`]);
      status("Python could not start.");
      return false;
    }
    const error = result.outputs.find((o) => o.type === "error");
    if (error && cell.tags.includes("remove-cell")) {
      // A hidden check of the page: it held for the page's values, not necessarily for yours.
      notes.push(`A hidden check of this page no longer holds (${error.ename}: ${error.evalue}).`);
    }
    if (cell.output.isConnected) show(cell, result.outputs);
    cell.output.dataset.state = error ? "error" : "done";
    return !error || cell.tags.includes("raises-exception") || cell.tags.includes("remove-cell");
  }

  async function runUpTo(position) {
    const target = cells[position];
    const notes = [];
    const started = performance.now();
    target.output.dataset.state = "waiting";
    target.output.replaceChildren();
    for (let p = ranUpTo + 1; p < position; p++) {
      if (!(await runCell(cells[p], notes))) {
        ranUpTo = p; // the failing cell runs again next time
        target.output.dataset.state = "stopped";
        show(target, [], [...notes, "Stopped: a cell above this one failed; fix it and run again."]);
        return;
      }
      ranUpTo = p;
    }
    await runCell(target, notes);
    if (target.output.dataset.state !== "failed") {
      if (notes.length) for (const note of notes) target.output.append(element("p", { class: "live-note" }, note));
      ranUpTo = Math.max(ranUpTo, position);
      status(`Ran in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
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
    editor.value = cell.source.replace(/\n$/, "");
    editor.rows = Math.max(1, editor.value.split("\n").length);
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        run(position);
      }
    });
    cell.editor = editor;
    input.hidden = true;
    const button = element("button", { class: "live-run", type: "button" }, "▶ Run");
    button.title = "Run this cell (Shift+Enter), after the cells above it that have not run";
    button.addEventListener("click", () => run(position));
    const controls = element("div", { class: "live-controls" });
    controls.append(button);
    input.after(editor, controls, cell.output);
  }

  function run(position) {
    cells[position].output.dataset.state = "queued";
    queue = queue.then(() => runUpTo(position));
    return queue;
  }

  async function enter(toggle) {
    toggle.disabled = true;
    const response = await fetch(`${staticDir}live/cells/${page}.json`);
    cells = (await response.json()).cells;
    cells.forEach((cell) => {
      cell.output = element("div"); // replaced for cells the page shows
    });
    cells.forEach(makeLive);
    toggle.textContent = "Live mode is on";
    document.body.classList.add("live-mode");
    status("Edit any cell and press Run. Python loads on the first Run (about 40 MB, once).");
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
