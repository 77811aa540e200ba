"""Which of live mode's packages each code cell needs, read from the imports in its source.

Live mode loads a package when the first cell that needs it runs, so that a page's first result
does not wait for everything (SymPy and matplotlib are most of the download). A cell needs the
packages it imports and, for ``derivatives`` and its modules, every package that those modules
import anywhere (at the top or inside a function), followed through the package's own imports.
The names that ``derivatives`` loads on first use (its ``_LAZY`` tables) count where a cell
imports them by name. Nothing is run: the sources are only parsed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "derivatives"


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except those under `if TYPE_CHECKING:`, which never run."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for branch in node.orelse:
                yield branch
                yield from _nodes(branch)
            continue
        yield node
        yield from _nodes(node)


def _imported(tree: ast.AST, module: str = "") -> Iterator[tuple[str, list[str]]]:
    """(module, names taken from it) for each import in the tree; relative ones resolved."""
    for node in _nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: len(module.split(".")) - node.level]
                base = ".".join([*parent, *([base] if base else [])])
            yield base, [alias.name for alias in node.names]


class Needs:
    """The packages that the package's modules and the lessons' cells need in the browser."""

    def __init__(self, source: Path, imports: dict[str, str]) -> None:
        # imports: a top-level import name (numpy, PIL) -> the package of the lock file
        self.imports = imports
        self.modules: dict[str, Path] = {}
        for path in sorted(source.rglob("*.py")):
            parts = list(path.relative_to(source.parent).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            self.modules[".".join(parts)] = path
        self.lazy = self._lazy_names()
        self._found: dict[str, frozenset[str]] = {}

    def _lazy_names(self) -> dict[str, str]:
        tree = ast.parse(self.modules[PACKAGE].read_text(encoding="utf-8"))
        lazy: dict[str, str] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                if names & {"_LAZY", "_LAZY_NAMES"}:
                    lazy |= ast.literal_eval(node.value)
        return lazy

    def module(self, name: str) -> frozenset[str]:
        """What importing the package's module `name` and calling into it can load."""
        if name not in self._found:
            self._found[name] = frozenset()  # an import cycle adds nothing new
            tree = ast.parse(self.modules[name].read_text(encoding="utf-8"))
            self._found[name] = frozenset({PACKAGE}).union(
                *(self._taken(m, names, name) for m, names in _imported(tree, name))
            )
        return self._found[name]

    def _taken(
        self, module: str, names: list[str], within: str = ""
    ) -> frozenset[str]:
        if module.split(".")[0] != PACKAGE:
            top = self.imports.get(module.split(".")[0])
            return frozenset({top} if top else ())
        found = set(self.module(module)) if module in self.modules else {PACKAGE}
        for name in names:
            submodule = f"{module}.{name}"
            if submodule in self.modules and submodule != within:
                found |= self.module(submodule)
            elif module == PACKAGE and name in self.lazy and not within:
                found |= self.module(
                    self.lazy[name]
                )  # a cell's import of a lazy name
        return frozenset(found)

    def cell(self, source: str) -> frozenset[str] | None:
        """The packages a cell's imports need; None if it does not parse (then: all)."""
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        return frozenset().union(*(self._taken(m, n) for m, n in _imported(tree)))

    def imported(self, source: str) -> list[str]:
        """The modules a cell imports, in order: what live mode imports ahead of the reader."""
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return []
        found: list[str] = []
        for module, names in _imported(tree):
            found.append(module)
            found += [
                f"{module}.{n}" for n in names if f"{module}.{n}" in self.modules
            ]
        return list(dict.fromkeys(found))
