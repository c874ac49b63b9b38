"""The package's layers (../shared/docs/architecture.md): imports point down, never in a circle.

Every import counts, also the ones inside functions and under TYPE_CHECKING: a module that needs another
only to type a parameter still depends on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kinerja_batch"
PREFIX = "kinerja_batch"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str, known: set[str]) -> str | None:
    """The package module an import names (``a.b.c`` may be module ``a.b`` importing ``c``)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(path: Path, known: set[str]) -> set[str]:
    me = module_name(path)
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = me.split(".")
                base = base[: len(base) - node.level + (1 if is_pkg else 0)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            names = [f"{mod}.{a.name}" for a in node.names] + [mod]
        for n in names:
            target = resolve(n, known) if n.startswith(PREFIX) else None
            # a package's __init__ is not a dependency of its own modules' siblings through the prefix
            if target and target != me and target != PREFIX:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {m: imports_of(p, known) for m, p in mods.items()}


def find_cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_checker_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    assert find_cycles(graph()) == []


# the layers, top to bottom (architecture.md); a module may import its own layer's and lower layers' modules
LAYERS = {
    "face": {"cli", "__main__", "_click_id"},
    "commands": {"batch", "outputs", "status", "demo", "summary", "report", "penutupan", "impor"},
    "writers": {"rekap", "konfirmasi", "templates", "drafts", "xlsxstyle", "xlsxcheck", "surat", "printing"},
    "model": {"model"},
    "intake": {"safety", "ingest", "validate", "answers", "tanda_tangan"},
    "store": {"ledger", "lifecycle"},
    "rules": {"measure", "temuan", "findings", "rencana"},
    # numbers (domain §5) sits here, not with the rules: the master reader parses typed numbers too
    # hierarki (the uraian tree) is here because the master reader checks the hierarchy with it
    "foundation": {"config", "toml_messages", "periode", "master", "master_ringkas", "numbers", "errors", "faults",
                   "layout", "sample", "_gc", "formats", "hierarki", "portable", ""},
}
# known up-arrows, each with its reason; the list only shrinks
ALLOWED_UP: dict[tuple[str, str], str] = {}
ORDER = list(LAYERS)


def layer_of(module: str) -> str:
    top = module.removeprefix(PREFIX).lstrip(".").split(".")[0]
    for name, members in LAYERS.items():
        if top in members:
            return name
    raise AssertionError(f"{module}: no layer in LAYERS; add it to the layer it belongs to")


def test_every_module_has_a_layer():
    for m in modules():
        layer_of(m)


def test_imports_point_down():
    """A writer or a rule never imports a command; the rules never touch the ledger or a file."""
    up = []
    for m, targets in graph().items():
        for t in targets:
            if ORDER.index(layer_of(t)) < ORDER.index(layer_of(m)) and (m, t) not in ALLOWED_UP:
                up.append(f"{m} ({layer_of(m)}) -> {t} ({layer_of(t)})")
    assert sorted(up) == []


def test_each_module_says_its_layer():
    """A module's opening docstring names its layer, the same as the table above (architecture.md's habit)."""
    wrong = []
    for m, path in modules().items():
        doc = (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").casefold()
        if f"{layer_of(m)} layer" not in doc and f"layer: {layer_of(m)}" not in doc:
            wrong.append(f"{m}: docstring does not name its layer '{layer_of(m)}'")
    assert wrong == []
