"""Formula builders of the rekap (one builder per rule, so the shapes are few and checked by the tests).

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from kinerja_batch.rekap.cells import _predikat_formula


def _sd_formula(agregasi: str, quarters: str, current: str) -> str:
    """Realisasi s.d. TW (domain §3): ``quarters`` is a range or list of TW I..TWn, ``current`` TWn."""
    if agregasi == "Kumulatif":
        return f'=IF(COUNT({quarters})=0,"",SUM({quarters}))'
    if agregasi == "Posisi Akhir":
        return f'=IF(ISNUMBER({current}),{current},"")'
    return f'=IF(COUNT({quarters})=0,"",AVERAGE({quarters}))'


def _ratio_formula(num: str, den: str) -> str:
    """num / den x 100, empty when either is missing or den is zero (serapan, persentase)."""
    return f'=IF(AND(ISNUMBER({num}),ISNUMBER({den})),IF({den}=0,"",{num}/{den}*100),"")'


def _capaian_builders(aturan_negatif: str) -> dict[str, Callable[[str, str], str]]:
    """Capaian formula per polaritas (domain §4), in measure.py's order of operations."""

    def positif(r: str, t: str) -> str:
        return f'=IF(AND(ISNUMBER({r}),ISNUMBER({t})),IF({t}=0,"",{r}/{t}*100),"")'

    def negatif_2t(r: str, t: str) -> str:
        return f'=IF(AND(ISNUMBER({r}),ISNUMBER({t})),IF({t}=0,"",(2*{t}-{r})/{t}*100),"")'

    def negatif_tr(r: str, t: str) -> str:
        return f'=IF(AND(ISNUMBER({r}),ISNUMBER({t})),IF({r}=0,"",{t}/{r}*100),"")'

    return {"Positif": positif, "Negatif": negatif_2t if aturan_negatif == "2T-R" else negatif_tr}


def formula_shapes(aturan_negatif: str, bands: Sequence[tuple[float, str]]) -> list[str]:
    """One formula of every shape the rekap writes (for the test that xlsxwriter needs no rewriting)."""
    caps = _capaian_builders(aturan_negatif)
    return [
        *(_sd_formula(a, "L5:N5", "N5") for a in ("Kumulatif", "Posisi Akhir", "Rata-rata")),
        _sd_formula("Kumulatif", "H5,J5,L5", "L5"),
        *(f(r, t) for f in caps.values() for r, t in (("R5", "J5"),)),
        _ratio_formula("AA5", "V5"),
        _predikat_formula("S5", bands),
        '=IF(ISNUMBER(N5),N5,"")',
        '=IF(COUNT(W5:Y5)=0,"",SUM(W5:Y5))',
        "=SUM(H5:H9)",
        '=IF(COUNT(S5:S9)=0,"",AVERAGE(S5:S9))',
        "=COUNTA('Pengukuran Kinerja'!$B$5:$B$9)",
        "=COUNT('Pengukuran Kinerja'!$Q$5:$Q$9)",
        "=COUNTIF('Pengukuran Kinerja'!$U$5:$U$9,\"Tinggi\")+COUNTIF('Status Pengumpulan'!$L$5:$L$9,\"Terlambat\")",
        # Evaluasi Renja with the hierarchy and Renstra (issue 13), and the annual sheet
        '=IF(COUNT($L$5:$L$9)=0,"",SUMIF($AS$5:$AS$9,1,$L$5:$L$9))',
        '=IF(COUNT(L7,L12,L20)=0,"",SUM(L7,L12,L20))',
        '=IF(COUNT(I5,U5)=0,"",SUM(I5,U5))',
        '=IF(ISNUMBER(U5),U5,IF(ISNUMBER(I5),I5,""))',
        '=IF(SUMPRODUCT(--($C$5:$C$9="Program"),--ISNUMBER($X$5:$X$9))=0,"",SUMIF($C$5:$C$9,"Program",$X$5:$X$9)'
        '/SUMPRODUCT(--($C$5:$C$9="Program"),--ISNUMBER($X$5:$X$9)))',
        "=IF(ISNUMBER('Pengukuran Kinerja'!N5),'Pengukuran Kinerja'!N5,\"\")",
        "=IF(ISNUMBER('Evaluasi Renja'!AB5),'Evaluasi Renja'!AB5,\"\")",
    ]


def _parse_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _place(f: dict[str, Any]) -> str:
    if f.get("lembar") and f.get("sel"):
        return f"{f['lembar']}!{f['sel']}"
    return f.get("sel") or ""


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out
