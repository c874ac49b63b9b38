"""The plan's hierarchy (domain §2 `Kode Uraian`/`Kode Induk`, §9): which uraian an indicator measures,
whose child that uraian is, and money counted once per uraian.

Layer: foundation (pure numpy/pandas, no I/O): the master reader checks the hierarchy with
:func:`structure` (unknown parents, cycles, a parent not above its child); the period model uses it to show
money once per uraian and to sum a parent's money from its children where it has none of its own.

An indicator without a ``Kode Uraian`` is an uraian of its own (keyed by its Kode Indikator), with no
parent: a master without the hierarchy columns keeps its flat layout and totals. Everything is done on
arrays (a province's master has 150,000 indicators): a valid tree is at most five levels deep, because a
parent's level must be above its child's, so the walks up and down the tree are a few array steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVEL_RANK = {"Tujuan": 0, "Sasaran": 1, "Program": 2, "Kegiatan": 3, "Sub Kegiatan": 4}
# the national nomenclature (Kepmendagri 050-5889/2021): program a.bb.cc, kegiatan a.bb.cc.d.ee,
# sub kegiatan a.bb.cc.d.ee.ffff; the parent drops the last one or two segments
_NOMENCLATURE_PARENT = {6: 5, 5: 3}
OWN_PREFIX = "#"  # key of the uraian of an indicator without Kode Uraian
_MAX_DEPTH = len(LEVEL_RANK)


def nomenclature_parent(kode: str) -> str | None:
    """The parent code the national nomenclature implies (``2.16.02.2.01.0001`` -> ``2.16.02.2.01``)."""
    parts = kode.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    keep = _NOMENCLATURE_PARENT.get(len(parts))
    return ".".join(parts[:keep]) if keep else None


@dataclass
class Structure:
    """The uraian tree of a master (arrays over uraian U, in master order of first appearance, and over rows)."""

    keys: np.ndarray  # (U,) object: Kode Uraian, or OWN_PREFIX + Kode Indikator
    key_idx: np.ndarray  # (rows,) int: the uraian of each master row
    first_row: np.ndarray  # (U,) int: the uraian's first master row
    parent: np.ndarray  # (U,) int: index of the parent uraian, -1 for none
    depth: np.ndarray  # (U,) int
    has_children: np.ndarray  # (U,) bool
    errors: list[tuple[list[int], str, str]]  # (master row positions, header, Indonesian text)
    has_hierarchy: bool

    @property
    def roots(self) -> np.ndarray:
        return self.parent < 0

    def order(self) -> np.ndarray:
        """Uraian indices depth-first: a parent, then its children (each in master order)."""
        u = len(self.keys)
        if not self.has_hierarchy or u == 0:
            return np.arange(u)
        # the path of first-appearance positions from the root down, padded: sorting the paths is a DFS
        path = np.full((u, _MAX_DEPTH + 1), -1, dtype=np.int64)
        rows = np.arange(u)
        path[rows, np.minimum(self.depth, _MAX_DEPTH)] = self.first_row
        node = self.parent.copy()
        for _ in range(_MAX_DEPTH + 1):
            up = node >= 0
            if not up.any():
                break
            path[rows[up], np.minimum(self.depth[node[up]], _MAX_DEPTH)] = self.first_row[node[up]]
            node[up] = self.parent[node[up]]
        return np.lexsort(path.T[::-1])

    def row_order(self) -> np.ndarray:
        """Master row positions in hierarchy order (each uraian's indicators together, in master order)."""
        rank = np.empty(len(self.keys), dtype=np.int64)
        rank[self.order()] = np.arange(len(self.keys))
        return np.lexsort((np.arange(len(self.key_idx)), rank[self.key_idx]))

    def money(self, values: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per uraian: its money (its own: the first filled value among its indicators; else the sum of its
        children's, recursively; NaN when none has any) and whether it is its own (domain §9)."""
        v = np.asarray(values, dtype="float64")
        own_val = pd.Series(v).groupby(self.key_idx, sort=True).first().reindex(
            range(len(self.keys))).to_numpy(dtype="float64")
        own = ~np.isnan(own_val)
        val = own_val.copy()
        if self.has_hierarchy and len(val):
            for d in range(int(self.depth.max(initial=0)), 0, -1):
                kids = (self.depth == d) & ~np.isnan(val)
                if not kids.any():
                    continue
                p = self.parent[kids]
                sums = np.bincount(p, weights=val[kids], minlength=len(val))
                has = np.bincount(p, minlength=len(val)) > 0
                fill = has & ~own
                val[fill] = sums[fill]
        return val, own

    def disagreements(self, values: Sequence[float] | np.ndarray) -> list[tuple[int, float, float]]:
        """Parents whose own money differs from the sum of their children's: (uraian index, own, children's sum)."""
        val, own = self.money(values)
        kids = (self.parent >= 0) & ~np.isnan(val)
        if not kids.any():
            return []
        sums = np.bincount(self.parent[kids], weights=val[kids], minlength=len(val))
        has = np.bincount(self.parent[kids], minlength=len(val)) > 0
        differ = own & has & ~np.isclose(val, sums, rtol=1e-9, atol=0.5)
        return [(int(i), float(val[i]), float(sums[i])) for i in np.flatnonzero(differ)]


def structure(kode_indikator: Sequence[str], level: Sequence[str], kode_uraian: Sequence[str],
              kode_induk: Sequence[str]) -> Structure:
    """Build the uraian tree from the master's columns (strings; '' = empty)."""
    ki = np.asarray(kode_indikator, dtype=object)
    ku = np.asarray(kode_uraian, dtype=object)
    kp = np.asarray(kode_induk, dtype=object)
    n = len(ki)
    has = bool(n) and bool((ku != "").any() or (kp != "").any())
    key = np.where(ku != "", ku, OWN_PREFIX + ki.astype(str)) if n else ki
    codes, keys = pd.factorize(pd.Series(key, dtype=object), sort=False)
    key_idx = codes.astype(np.int64)
    u = len(keys)
    first_row = np.full(u, n, dtype=np.int64)
    np.minimum.at(first_row, key_idx, np.arange(n))
    ranks = np.asarray([LEVEL_RANK.get(str(x), 9) for x in level], dtype=np.int64) if n else np.zeros(0, np.int64)
    u_rank = ranks[first_row] if u else np.zeros(0, np.int64)
    parent = np.full(u, -1, dtype=np.int64)
    depth = np.zeros(u, dtype=np.int64)
    errors: list[tuple[list[int], str, str]] = []
    keys_arr = np.asarray(keys, dtype=object)
    if not has:
        return Structure(keys_arr, key_idx, first_row, parent, depth, np.zeros(u, dtype=bool), errors, False)

    levels = np.asarray(level, dtype=object)
    # one uraian, one level
    bad_level = np.flatnonzero(ranks != u_rank[key_idx])
    for i in bad_level[:200]:
        f = int(first_row[key_idx[i]])
        errors.append(([f, int(i)], "Level",
                       f"indikator dengan Kode Uraian \"{ku[i]}\" berbeda level (\"{levels[f]}\" dan \"{levels[i]}\"); "
                       "satu uraian hanya punya satu level."))
    # the typed parent: the first non-empty Kode Induk of the uraian; another one is an error
    typed = np.flatnonzero(kp != "")
    typed_first: dict[int, tuple[str, int]] = {}
    for i in typed.tolist():
        k = int(key_idx[i])
        if k not in typed_first:
            typed_first[k] = (str(kp[i]), i)
        elif typed_first[k][0] != kp[i]:
            errors.append(([typed_first[k][1], i], "Kode Induk",
                           f"Kode Uraian \"{keys_arr[k]}\" diberi induk berbeda (\"{typed_first[k][0]}\" dan "
                           f"\"{kp[i]}\"); samakan Kode Induk semua indikatornya."))
    index_of = pd.Index(keys_arr)
    for k, (p, at) in typed_first.items():
        if p == keys_arr[k]:
            errors.append(([at], "Kode Induk", f"Kode Induk \"{p}\" menunjuk uraiannya sendiri."))
            continue
        pos = index_of.get_indexer([p])[0] if p in index_of else -1
        if pos < 0:
            errors.append(([at], "Kode Induk",
                           f"Kode Induk \"{p}\" tidak ada sebagai Kode Uraian di lembar Indikator; tambahkan uraian "
                           "induknya atau perbaiki kodenya."))
            continue
        parent[k] = pos
    # the nomenclature's parent where none is typed (and the parent is in the master)
    untyped = [k for k in range(u) if k not in typed_first and not str(keys_arr[k]).startswith(OWN_PREFIX)]
    if untyped:
        guesses = [nomenclature_parent(str(keys_arr[k])) or "" for k in untyped]
        pos = index_of.get_indexer(guesses)
        for k, g in zip(untyped, pos, strict=True):
            if g >= 0:
                parent[k] = g
    # a parent's level must be above its child's; along such edges no cycle can form
    with_parent = np.flatnonzero(parent >= 0)
    wrong = with_parent[u_rank[parent[with_parent]] >= u_rank[with_parent]]
    in_cycle: set[int] = set()
    for k in wrong.tolist():
        seen: list[int] = []
        node = k
        while node >= 0 and node not in seen and len(seen) <= u:
            seen.append(node)
            node = int(parent[node])
        if node >= 0 and node in seen:
            cycle = seen[seen.index(node):]
            if not in_cycle.intersection(cycle):
                rows = sorted(int(first_row[c]) for c in cycle)
                errors.append((rows, "Kode Induk", "induk berputar: " + " → ".join(
                    _shown(str(keys_arr[c])) for c in [*cycle, node]) + "; setiap uraian harus berujung pada uraian "
                    "tanpa induk."))
            in_cycle.update(cycle)
            continue
        pk = int(parent[k])
        errors.append(([int(first_row[k])], "Kode Induk",
                       f"induk \"{_shown(str(keys_arr[pk]))}\" berlevel {levels[first_row[pk]]}, tidak di atas level "
                       f"{levels[first_row[k]]} uraian \"{_shown(str(keys_arr[k]))}\"; induk harus berlevel lebih "
                       "tinggi (Tujuan > Sasaran > Program > Kegiatan > Sub Kegiatan)."))
    parent[wrong] = -1  # a broken tree is refused anyway; keep the structure walkable
    anc = parent.copy()
    for _ in range(_MAX_DEPTH + 1):
        up = anc >= 0
        if not up.any():
            break
        depth += up
        anc[up] = parent[anc[up]]
    has_children = np.bincount(parent[parent >= 0], minlength=u) > 0
    return Structure(keys_arr, key_idx, first_row, parent, depth, has_children, errors, True)


def _shown(key: str) -> str:
    return key[len(OWN_PREFIX):] if key.startswith(OWN_PREFIX) else key
