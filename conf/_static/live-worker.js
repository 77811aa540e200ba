// Live mode's Python, in a worker so that the page stays responsive while it loads and runs.
// Every file comes from the site itself (_static/live/): the Pyodide runtime, the wheels named by
// its lock file (Pyodide checks each one's sha256 before installing it) and precompiled bytecode.
//
// Messages: {type: "start", packages, bytecode} starts Python with the packages the page's first
// cell needs; {type: "run", id, code, name, needs, edited} runs a cell once the packages it needs
// are in (and, for code the reader edited, those its imports name); {type: "preload", packages,
// imports}, after the first result, loads the page's other packages and imports the modules its
// cells import (one at a time, so that a Run is not held up for long); then says so
// ({type: "loaded"}). Stopping a cell ends this worker.
"use strict";

const base = new URL("live/", self.location.href).href;
let pyodide = null;
let kernel = null;
let ready = null;
let withBytecode = new Set();
const loaded = new Set(); // packages loaded (loads run one at a time: none is half done)

function progress(text) {
  self.postMessage({ type: "progress", text });
}

async function bytecode(name) {
  const response = await fetch(`${base}bytecode-${name}.zip`);
  if (!response.ok) throw new Error(`bytecode-${name}.zip: HTTP ${response.status}`);
  return response.arrayBuffer();
}

// Load packages (with what they depend on), and those the imports of `code` name, if given; then
// their bytecode. Each package once.
async function load(names, code) {
  const before = new Set(Object.keys(pyodide.loadedPackages));
  const wanted = names.filter((name) => !loaded.has(name));
  if (!wanted.length && code === null) return;
  const options = { messageCallback: () => {}, checkIntegrity: true };
  if (wanted.length) await pyodide.loadPackage(wanted, options);
  if (code !== null) await pyodide.loadPackagesFromImports(code, options);
  const added = Object.keys(pyodide.loadedPackages).filter((name) => !before.has(name));
  const archives = await Promise.all(added.filter((n) => withBytecode.has(n)).map(bytecode));
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  for (const archive of archives) {
    pyodide.unpackArchive(archive, "zip", { extractDir: sitePackages });
  }
  [...wanted, ...added].forEach((name) => loaded.add(name));
}

let loading = Promise.resolve(); // one load at a time, in the order asked
function loadInTurn(names, code = null) {
  if (code === null && names.every((name) => loaded.has(name))) return Promise.resolve();
  loading = loading.then(() => load(names, code));
  return loading;
}

// Import the page's modules ahead of the reader, one per task: a Run waits for one at most.
async function warm(modules) {
  const importlib = pyodide.pyimport("importlib");
  for (const name of modules) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      importlib.import_module(name);
    } catch (error) {
      // a module this Python lacks: the cell that imports it reports the error
    }
  }
  importlib.destroy();
}

async function start(packages) {
  progress("Loading Python…");
  importScripts(base + "pyodide.js");
  pyodide = await self.loadPyodide({
    indexURL: base,
    env: { HOME: "/home/pyodide", MPLBACKEND: "agg" },
  });
  await loadInTurn(packages);
  kernel = pyodide.pyimport("_derivatives_live");
}

const heavy = { sympy: "SymPy", numpy: "NumPy", matplotlib: "matplotlib" };

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "start") {
      withBytecode = new Set(data.bytecode);
      ready = start(data.packages);
      await ready;
      progress("Python is ready.");
      return;
    }
    await ready;
    if (data.type === "preload") {
      await loadInTurn(data.packages);
      await warm(data.imports);
      self.postMessage({ type: "loaded" });
      return;
    }
    const missing = data.needs.filter((name) => !loaded.has(name) && heavy[name]);
    if (missing.length) progress(`Loading ${missing.map((n) => heavy[n]).join(", ")}…`);
    await loadInTurn(data.needs, data.edited ? data.code : null);
    progress(data.quiet ? "" : "Running…");
    const outputs = JSON.parse(kernel.run(data.code, data.name));
    self.postMessage({ type: "done", id: data.id, outputs });
  } catch (error) {
    const message = String((error && error.message) || error);
    if (data.type === "run") self.postMessage({ type: "failed", id: data.id, message });
    else self.postMessage({ type: "progress", text: `Python could not start: ${message}` });
  }
};
