"""kinerja-batch: pengumpulan dan pengukuran data kinerja (SAKIP).

The package is a pipeline of stages (see README "Arsitektur"): master -> templates ->
ingest -> validate -> ledger -> measure -> temuan -> rekap, driven by ``batch.run``.
Nothing below ``cli`` imports click; heavy libraries (pandas, pandera) are imported
by the stages that need them so that ``kinerja-batch --help`` starts fast.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

__version__ = "0.1.0"
