// Byte-compiles the live runtime's Python packages with Pyodide itself, under Node.
//
//   node live_bytecode.js CORE_DIR OUT_DIR WHEEL...
//
// CORE_DIR holds Pyodide's runtime (pyodide.js, pyodide.asm.*, python_stdlib.zip). The wheels are
// installed, then every module that the lessons' kind of code imports (SymPy, NumPy, a matplotlib
// figure saved as SVG) is compiled into __pycache__: unchecked-hash .pyc files, valid whatever the
// files' dates in the browser (any other module compiles on first import, as usual). They go to
// OUT_DIR/bytecode-<package>.zip, one archive for each package of the lock file (matplotlib's with
// a font list of the right version), so that the browser neither compiles a thousand modules nor
// rebuilds the font list in every session, and fetches a package's bytecode only with it.
// Run by conf/live.py, which caches the result.
"use strict";
const path = require("path");

async function main() {
  const [core, out, ...wheels] = process.argv.slice(2);
  const { loadPyodide } = require(path.resolve(core, "pyodide.js"));
  const pyodide = await loadPyodide({
    indexURL: path.resolve(core) + "/",
    env: { HOME: "/home/pyodide", PYTHONHASHSEED: "0", MPLBACKEND: "agg", MPLCONFIGDIR: "/tmp/mpl" },
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
  });
  await pyodide.loadPackage(wheels.map((w) => path.resolve(w)), { checkIntegrity: false });
  pyodide.FS.mkdirTree("/out");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.resolve(out) }, "/out");
  pyodide.runPython(`
import os, py_compile, re, site, sys, zipfile
from importlib.metadata import distributions
from importlib.util import cache_from_source
from pathlib import Path

root = Path(site.getsitepackages()[0])

# What a lesson touches: imported here once, so that exactly those modules are compiled.
import io
import matplotlib
import matplotlib.font_manager as font_manager  # builds the font list once, here
import matplotlib.pyplot
import numpy
import sympy
from matplotlib.figure import Figure

w, x = sympy.symbols("w x")
expr = sympy.exp(-(w**2)) * sympy.tanh(x) / w + sympy.Rational(1, 3) * sympy.log(x)
sympy.latex(sympy.diff(expr, w)), sympy.pretty(expr), sympy.simplify(expr.subs(w, 2))
sympy.lambdify((w, x), expr, "numpy")(numpy.linspace(1, 2, 3), 0.5)
figure = Figure()
axes = figure.subplots()
axes.plot([1, 2], [3, 4], label="$w^2$")
axes.set_xscale("log"), axes.legend(), axes.annotate("a", (1, 3), arrowprops={})
figure.savefig(io.BytesIO(), format="svg"), figure.savefig(io.BytesIO(), format="png")

unchecked = py_compile.PycInvalidationMode.UNCHECKED_HASH
sources = sorted(
    Path(module.__file__)
    for module in list(sys.modules.values())
    if str(getattr(module, "__file__", None)).startswith(str(root))
    and module.__file__.endswith(".py")
)
for source in sources:
    py_compile.compile(str(source), doraise=True, invalidation_mode=unchecked)

# Pyodide's matplotlib keeps its font list inside the package, written for another version.
fontlist = Path(font_manager.__file__).with_name("fontlist.json")
owner = {}  # a file of site-packages -> the package (as the lock file names it) that installed it
for dist in distributions():
    name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
    for file in dist.files or ():
        owner[(root / file).resolve()] = name

archives = {}
def add(path, data):
    name = owner[Path(path).resolve()]
    if name not in archives:
        archives[name] = zipfile.ZipFile(f"/out/bytecode-{name}.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    info = zipfile.ZipInfo(Path(path).relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archives[name].writestr(info, data)

for source in sources:
    compiled = Path(cache_from_source(str(source)))
    owner[compiled.resolve()] = owner[source.resolve()]
    add(compiled, compiled.read_bytes())
add(fontlist, fontlist.read_bytes())
for archive in archives.values():
    archive.close()
print(f"compiled {len(sources)} modules of {len(archives)} packages, and the font list")
`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
