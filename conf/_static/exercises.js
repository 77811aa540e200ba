// Graph exercises and the backprop stepper (derivatives.exercises makes their keys at build time).
// Everything here runs in the page: no Python, no request. A box is checked on Enter against
// the keys embedded in the exercise's JSON; the stepper replays the steps recorded there.
"use strict";
(() => {
  const MINUS = "\u2212";
  let counter = 0;

  function el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  }

  function show(x) {
    const rounded = Number.parseFloat(x.toPrecision(6));
    return String(rounded).replace("-", MINUS);
  }

  // What a reader types: 4, -2, −2, 0.5, .5, 1/2, 1e-3 (spaces ignored).
  function parse(typed) {
    const text = typed.replace(/[\u2212\u2013]/g, "-").replace(/\s+/g, "").replace(",", ".");
    const number = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
    if (number.test(text)) return Number(text);
    const parts = text.split("/");
    if (parts.length === 2 && number.test(parts[0]) && number.test(parts[1]) && Number(parts[1]) !== 0) {
      return Number(parts[0]) / Number(parts[1]);
    }
    return null;
  }

  const close = (x, y, tolerance) => Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y)) + 1e-9;

  // -- Graph exercises ---------------------------------------------------------------------------

  function setUpExercise(root) {
    const script = root.querySelector("script.ge-data");
    if (!script || root.dataset.ready) return;
    root.dataset.ready = "true";
    const data = JSON.parse(script.textContent);
    const id = `ge-${++counter}`;
    const title = root.querySelector(".ge-title") || el("p", { class: "ge-title" });
    const answers = root.querySelector(".ge-answers");
    if (answers) answers.hidden = true; // Reveal shows them in the boxes instead
    const help = el("p", { class: "ge-help" },
      "Type a number in a box and press Enter to check it. Rows run from the output back to the " +
      "inputs, the order of the backward pass; values are found from the bottom up.");
    const holder = el("div", { class: "ge-holder" });
    const feedback = el("p", { class: "ge-feedback", "aria-live": "polite", id: `${id}-feedback` });
    const controls = el("div", { class: "ge-controls" });
    const reveal = el("button", { type: "button", class: "ge-reveal" }, "Reveal answers");
    const score = el("span", { class: "ge-score" });
    controls.append(reveal);
    let poolIndex = 0;
    if (data.pool.length > 1) {
      const next = el("button", { type: "button", class: "ge-new" }, "New graph");
      next.addEventListener("click", () => {
        poolIndex = (poolIndex + 1) % data.pool.length;
        render(data.pool[poolIndex]);
        feedback.textContent = `A new graph: ${data.pool[poolIndex].title}`;
        const first = holder.querySelector("input");
        if (first) first.focus();
      });
      controls.append(next);
    }
    controls.append(score);
    root.append(help, holder, feedback, controls);

    let boxes = [];
    function tally() {
      const right = boxes.filter(({ input }) => input.dataset.verdict === "right").length;
      score.textContent = `${right} of ${boxes.length} right`;
    }

    function check(input, box, tolerance) {
      const typed = parse(input.value);
      let verdict = "wrong";
      let reply;
      if (typed === null) {
        reply = `Type a number, such as ${MINUS}4, 0.5 or 1/2.`;
      } else if (close(typed, box.answer, tolerance)) {
        verdict = "right";
        reply = box.right;
      } else {
        const known = box.mistakes.find((m) => close(typed, m.value, tolerance));
        reply = known ? known.text : box.hint;
      }
      input.dataset.verdict = verdict;
      input.setAttribute("aria-invalid", verdict === "wrong" ? "true" : "false");
      delete input.dataset.revealed;
      feedback.textContent = `${box.name}: ${reply}`;
      feedback.dataset.verdict = verdict;
      tally();
    }

    function render(key) {
      const table = el("table", { class: "ge-table" });
      title.replaceChildren(el("strong", {}, "Try it."), ` ${key.title}`);
      table.append(el("caption", { class: "ge-caption" }, `The graph of ${key.output}, one row per node, ${key.output} first`));
      const head = el("tr");
      for (const name of ["node", "computed as", "value", "local derivatives", `gradient \u2202${key.output}/\u2202node`]) {
        head.append(el("th", { scope: "col" }, name));
      }
      const thead = el("thead");
      thead.append(head);
      table.append(thead);
      const body = el("tbody");
      boxes = [];
      for (const row of key.rows) {
        const tr = el("tr", { "data-node": row.node });
        tr.append(el("th", { scope: "row", class: "ge-node" }, row.node));
        const formula = el("td", { class: "ge-formula", "data-label": "computed as" },
          row.formula ? row.formula.split(" = ")[1] : row.kind === "constant" ? "constant" : "input");
        const value = el("td", { "data-label": "value" });
        const local = el("td", { "data-label": "local derivatives" });
        const grad = el("td", { "data-label": `gradient \u2202${key.output}/\u2202${row.node}` });
        if (!row.boxes.some((b) => b.field === "value")) value.textContent = row.shown;
        for (const box of row.boxes) {
          const n = boxes.length;
          const input = el("input", {
            type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
            id: `${id}-box-${n}`, "data-node": box.node, "data-field": box.field,
            "aria-label": box.name, "aria-describedby": feedback.id,
          });
          if (box.field === "local") {
            input.dataset.parent = box.parent;
            const label = el("label", { for: input.id, class: "ge-local" });
            label.append(el("span", { "aria-hidden": "true" }, `\u2202${box.node}/\u2202${box.parent}`), input);
            local.append(label);
          } else {
            (box.field === "value" ? value : grad).append(input);
          }
          input.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              check(input, box, key.tolerance);
            }
          });
          boxes.push({ input, box });
        }
        if (!local.childNodes.length) local.append(el("span", { class: "ge-none" }, "\u2014"));
        if (!grad.childNodes.length) grad.append(el("span", { class: "ge-none" }, "\u2014"));
        tr.append(formula, value, local, grad);
        body.append(tr);
      }
      table.append(body);
      holder.replaceChildren(table);
      tally();
    }

    reveal.addEventListener("click", () => {
      for (const { input, box } of boxes) {
        if (input.dataset.verdict !== "right") {
          input.value = show(box.answer);
          input.dataset.revealed = "true";
          delete input.dataset.verdict;
          input.removeAttribute("aria-invalid");
        }
      }
      feedback.textContent = "The answers are in the boxes.";
      delete feedback.dataset.verdict;
      tally();
    });

    render(data.exercise);
  }

  // -- The backprop stepper ----------------------------------------------------------------------

  function setUpStepper(root) {
    const script = root.querySelector("script.bs-data");
    if (!script || root.dataset.ready) return;
    root.dataset.ready = "true";
    const data = JSON.parse(script.textContent);
    const id = `bs-${++counter}`;
    const list = root.querySelector(".bs-list");
    if (list) list.hidden = true;
    const code = el("pre", { class: "bs-code" });
    const table = el("table", { class: "bs-table" });
    table.append(el("caption", {}, "Each node's grad at this step"));
    const head = el("tr");
    for (const name of ["node", "computed as", "value", "grad"]) head.append(el("th", { scope: "col" }, name));
    const thead = el("thead");
      thead.append(head);
      table.append(thead);
    const body = el("tbody");
    const cells = {};
    for (const node of [...data.nodes].reverse()) {
      const tr = el("tr", { "data-node": node.node });
      tr.append(el("th", { scope: "row" }, node.node), el("td", {}, node.formula ? node.formula.split(" = ")[1] : "input"),
        el("td", {}, show(node.value)));
      cells[node.node] = el("td", { class: "bs-grad" });
      tr.append(cells[node.node]);
      body.append(tr);
    }
    table.append(body);
    const line = el("p", { class: "bs-line", "aria-live": "polite", id: `${id}-line` });
    const controls = el("div", { class: "bs-controls" });
    const prev = el("button", { type: "button", class: "step-prev" }, "\u2190 Back");
    const next = el("button", { type: "button", class: "step-next" }, "Next step \u2192");
    const switchLabel = el("label", { class: "bs-switch" });
    const assign = el("input", { type: "checkbox", role: "switch", class: "step-assign" });
    switchLabel.append(assign, " replay with = instead of +=");
    controls.append(prev, next, switchLabel);
    const holder = el("div", { class: "ge-holder" });
    holder.append(table);
    root.append(controls, line, code, holder);

    let position = 0; // steps done
    const steps = () => (assign.checked ? data.assigned : data.steps);
    // With =, the replay stops at the first step where it parts from +=.
    const last = () => (assign.checked && data.differ !== null ? data.differ + 1 : data.steps.length);

    function grads(upTo) {
      const now = Object.fromEntries(data.nodes.map((n) => [n.node, 0]));
      for (const step of steps().slice(0, upTo)) for (const l of step.lines) now[l.parent] = l.after;
      return now;
    }

    function draw() {
      const op = assign.checked ? "=" : "+=";
      const now = grads(position);
      const step = position > 0 ? steps()[position - 1] : null;
      for (const [name, cell] of Object.entries(cells)) {
        cell.textContent = show(now[name]);
        cell.parentElement.classList.toggle("bs-current", step !== null && step.lines.some((l) => l.parent === name));
      }
      prev.disabled = position === 0;
      next.disabled = position >= last();
      if (!step) {
        code.textContent = `for node in reversed(topological_order(${data.nodes[data.nodes.length - 1].node})):\n` +
          `    for parent, local in zip(node.parents, node.local_grads):\n        parent.grad ${op} local * node.grad`;
        line.textContent = `Before the backward pass every grad is 0. Press Next step (${last()} steps).`;
        return;
      }
      const where = `Step ${position} of ${last()}`;
      if (position === 1) {
        code.textContent = `${step.node}.grad = 1`;
        line.textContent = `${where}: the output: ${step.node}.grad = 1 (0 \u2192 1).`;
      } else {
        code.textContent = `# node = ${step.node}: for parent, local in zip(node.parents, node.local_grads)\n` +
          step.lines.map((l) => `parent.grad ${op} local * node.grad  # ${l.parent}: ` +
            `${show(l.before)} \u2192 ${show(l.after)}`).join("\n");
        const changes = step.lines.map((l) => `${l.parent}.grad ${op} ${show(l.local)} \u00d7 ${show(l.node_grad)}: ` +
          `${show(l.before)} \u2192 ${show(l.after)}`).join("; ");
        line.textContent = `${where}: node ${step.node} passes its grad to its parents. ${changes}.`;
      }
      if (assign.checked && data.differ !== null && position === data.differ + 1) {
        const right = data.steps[data.differ].lines.at(-1);
        const wrong = data.assigned[data.differ].lines.at(-1);
        line.textContent += ` Here = and += part: ${wrong.parent}.grad is ${show(wrong.after)} with =, ` +
          `${show(right.after)} with +=. The = threw away what the earlier use of ${wrong.parent} had added.`;
      } else if (position === last()) {
        line.textContent += " The backward pass is done.";
      }
    }

    next.addEventListener("click", () => { if (position < last()) { position += 1; draw(); } });
    prev.addEventListener("click", () => { if (position > 0) { position -= 1; draw(); } });
    assign.addEventListener("change", () => { position = Math.min(position, last()); draw(); });
    draw();
  }

  function setUpAll(scope) {
    scope.querySelectorAll(".graph-exercise").forEach(setUpExercise);
    scope.querySelectorAll(".backprop-stepper").forEach(setUpStepper);
  }

  function start() {
    setUpAll(document);
    // Live mode can show a cell's output again: set up what it adds.
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) if (node.nodeType === 1) setUpAll(node.parentElement || node);
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
