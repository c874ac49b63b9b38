"""The plan's hierarchy (domain §2 `Kode Uraian`/`Kode Induk`, §9): which uraian an indicator measures,
whose child that uraian is, and money counted once per uraian.

Layer: rules (pure; pandas/numpy only, no I/O). The master uses :func:`structure` to check the hierarchy
(unknown parents, cycles, a parent at a level below its child); the period model uses it to show money
once per uraian and to sum a parent's money from its children where it has none of its own.

An indicator without a ``Kode Uraian`` is an uraian of its own (keyed by its Kode Indikator), with no
parent: a master without the hierarchy columns keeps its flat layout and totals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

LEVEL_RANK = {"Tujuan": 0, "Sasaran": 1, "Program": 2, "Kegiatan": 3, "Sub Kegiatan": 4}
# the national nomenclature (Kepmendagri 050-5889/2021): program a.bb.cc, kegiatan a.bb.cc.d.ee,
# sub kegiatan a.bb.cc.d.ee.ffff; the parent drops the last one or two segments
_NOMENCLATURE_PARENT = {6: 5, 5: 3}
OWN_PREFIX = "#"  # key of the uraian of an indicator without Kode Uraian


def nomenclature_parent(kode: str) -> str | None:
    """The parent code the national nomenclature implies (``2.16.02.2.01.0001`` -> ``2.16.02.2.01``)."""
    parts = kode.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    keep = _NOMENCLATURE_PARENT.get(len(parts))
    return ".".join(parts[:keep]) if keep else None


@dataclass
class Uraian:
    key: str  # Kode Uraian, or OWN_PREFIX + Kode Indikator
    level: str
    rows: list[int] = field(default_factory=list)  # positions of its indicators in the master frame
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    depth: int = 0


@dataclass
class Structure:
    """The uraian tree of a master, and the problems found building it."""

    uraian: dict[str, Uraian]  # in master order of first appearance
    roots: list[str]
    key_of_row: list[str]
    errors: list[tuple[list[int], str, str]]  # (master row positions, header, Indonesian text)
    has_hierarchy: bool

    def order(self) -> list[str]:
        """Uraian keys depth-first (parent, then its children in master order)."""
        out: list[str] = []
        stack = list(reversed(self.roots))
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(reversed(self.uraian[k].children))
        return out

    def row_order(self) -> list[int]:
        """Master row positions in hierarchy order (each uraian's indicators together)."""
        return [r for k in self.order() for r in self.uraian[k].rows]


def structure(kode_indikator: Sequence[str], level: Sequence[str], kode_uraian: Sequence[str],
              kode_induk: Sequence[str]) -> Structure:
    """Build the uraian tree from the master's columns (strings; '' = empty)."""
    uraian: dict[str, Uraian] = {}
    key_of_row: list[str] = []
    errors: list[tuple[list[int], str, str]] = []
    typed_parent: dict[str, tuple[str, int]] = {}
    has = any(kode_uraian) or any(kode_induk)
    for i, (ki, lv, ku, kp) in enumerate(zip(kode_indikator, level, kode_uraian, kode_induk, strict=True)):
        key = ku or OWN_PREFIX + ki
        key_of_row.append(key)
        u = uraian.get(key)
        if u is None:
            u = uraian[key] = Uraian(key, lv)
        elif u.level != lv:
            errors.append(([u.rows[0], i], "Level",
                           f"indikator dengan Kode Uraian \"{ku}\" berbeda level (\"{u.level}\" dan \"{lv}\"); satu "
                           "uraian hanya punya satu level."))
        u.rows.append(i)
        if kp:
            if key in typed_parent and typed_parent[key][0] != kp:
                errors.append(([typed_parent[key][1], i], "Kode Induk",
                               f"Kode Uraian \"{ku}\" diberi induk berbeda (\"{typed_parent[key][0]}\" dan \"{kp}\"); "
                               "samakan Kode Induk semua indikatornya."))
            elif key not in typed_parent:
                typed_parent[key] = (kp, i)
    for key, u in uraian.items():
        if key in typed_parent:
            parent, at = typed_parent[key]
            if parent == key:
                errors.append(([at], "Kode Induk", f"Kode Induk \"{parent}\" menunjuk uraiannya sendiri."))
                continue
            if parent not in uraian:
                errors.append(([at], "Kode Induk",
                               f"Kode Induk \"{parent}\" tidak ada sebagai Kode Uraian di lembar Indikator; "
                               "tambahkan uraian induknya atau perbaiki kodenya."))
                continue
            u.parent = parent
        elif not key.startswith(OWN_PREFIX):
            guess = nomenclature_parent(key)
            if guess is not None and guess in uraian:
                u.parent = guess
    # a parent's level must be above its child's
    for key, u in uraian.items():
        if u.parent is None:
            continue
        p = uraian[u.parent]
        if LEVEL_RANK.get(p.level, 9) >= LEVEL_RANK.get(u.level, 9):
            errors.append(([u.rows[0]], "Kode Induk",
                           f"induk \"{u.parent}\" berlevel {p.level}, tidak di atas level {u.level} uraian "
                           f"\"{_shown(key)}\"; induk harus berlevel lebih tinggi (Tujuan > Sasaran > Program > "
                           "Kegiatan > Sub Kegiatan)."))
    # cycles: follow parents; a key met twice on one path is a cycle
    in_cycle: set[str] = set()
    for key in uraian:
        seen: list[str] = []
        k: str | None = key
        while k is not None and k not in seen and k not in in_cycle:
            seen.append(k)
            k = uraian[k].parent
        if k is not None and k in seen:
            cycle = seen[seen.index(k):]
            if not in_cycle.intersection(cycle):
                rows = sorted(uraian[c].rows[0] for c in cycle)
                errors.append((rows, "Kode Induk",
                               "induk berputar: " + " → ".join(_shown(c) for c in [*cycle, k])
                               + "; setiap uraian harus berujung pada uraian tanpa induk."))
            in_cycle.update(cycle)
    for key in in_cycle:
        uraian[key].parent = None  # a broken tree is refused anyway; keep the structure walkable
    roots = []
    for key, u in uraian.items():
        if u.parent is None:
            roots.append(key)
        else:
            uraian[u.parent].children.append(key)
    s = Structure(uraian, roots, key_of_row, errors, has)
    for key in s.order():
        u = uraian[key]
        u.depth = uraian[u.parent].depth + 1 if u.parent else 0
    return s


def _shown(key: str) -> str:
    return key[len(OWN_PREFIX):] if key.startswith(OWN_PREFIX) else key


def first_value(values: Sequence[float], rows: Sequence[int]) -> float:
    """The uraian's own money: the first filled value among its indicators (NaN when none)."""
    for r in rows:
        v = values[r]
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            return float(v)
    return math.nan


def money(s: Structure, values: Sequence[float]) -> dict[str, tuple[float, bool]]:
    """Per uraian: (money, own) where money is its own value or else the sum of its children's
    (recursively; NaN when none has any) and ``own`` says it is its own (domain §9)."""
    out: dict[str, tuple[float, bool]] = {}
    for key in reversed(s.order()):  # children before parents
        u = s.uraian[key]
        own = first_value(values, u.rows)
        if not math.isnan(own):
            out[key] = (own, True)
            continue
        kids = [out[c][0] for c in u.children if not math.isnan(out[c][0])]
        out[key] = (math.fsum(kids), False) if kids else (math.nan, False)
    return out


def total(s: Structure, per_uraian: dict[str, tuple[float, bool]]) -> float:
    """Money of the whole plan counted once: the sum over the roots (NaN when nothing)."""
    vals = [per_uraian[k][0] for k in s.roots if not math.isnan(per_uraian[k][0])]
    return math.fsum(vals) if vals else math.nan


def disagreements(s: Structure, values: Sequence[float]) -> list[tuple[str, float, float]]:
    """Parents that carry money of their own which differs from the sum of their children's:
    (Kode Uraian, own, children's sum)."""
    per = money(s, values)
    out = []
    for key in s.order():
        u = s.uraian[key]
        own, is_own = per[key]
        if not is_own or not u.children:
            continue
        kids = [per[c][0] for c in u.children if not math.isnan(per[c][0])]
        if kids and not math.isclose(own, math.fsum(kids), rel_tol=1e-9, abs_tol=0.5):
            out.append((key, own, math.fsum(kids)))
    return out


def describe(s: Structure) -> dict[str, Any]:
    """A small summary for tests and Info Proses."""
    return {"uraian": len(s.uraian), "akar": len(s.roots), "hierarki": s.has_hierarchy}
