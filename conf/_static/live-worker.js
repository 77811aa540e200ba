// Live mode's Python, in a worker so that the page stays responsive while it loads and runs.
// Every file comes from the site itself (_static/live/): the Pyodide runtime, the wheels named by
// its lock file (Pyodide checks each one's sha256 before installing it) and precompiled bytecode.
"use strict";

const base = new URL("live/", self.location.href).href;
const packages = [
  "numpy", "matplotlib", "sympy", "mpmath", "autograd", "derivatives", "derivatives-live",
];
let kernel = null;

function progress(text) {
  self.postMessage({ type: "progress", text });
}

async function start() {
  progress("Loading Python (Pyodide, about 13 MB)…");
  importScripts(base + "pyodide.js");
  const bytecode = fetch(base + "bytecode.zip").then((response) => {
    if (!response.ok) throw new Error(`bytecode.zip: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  const pyodide = await self.loadPyodide({
    indexURL: base,
    env: { HOME: "/home/pyodide", MPLBACKEND: "agg" },
  });
  progress("Loading NumPy, SymPy, matplotlib and the derivatives package (about 25 MB)…");
  await pyodide.loadPackage(packages, { messageCallback: () => {}, checkIntegrity: true });
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(await bytecode, "zip", { extractDir: sitePackages });
  kernel = pyodide.pyimport("_derivatives_live");
}

let ready = null;

self.onmessage = async ({ data }) => {
  try {
    ready = ready || start();
    await ready;
    progress(data.quiet ? "" : "Running…");
    const outputs = JSON.parse(kernel.run(data.code, data.name));
    self.postMessage({ type: "done", id: data.id, outputs });
  } catch (error) {
    self.postMessage({ type: "failed", id: data.id, message: String(error && error.message || error) });
  }
};
