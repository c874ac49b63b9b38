"""Layer: face (../shared/docs/architecture.md); it may import commands, writers, model, intake, store, rules, foundation."""

from kinerja_batch.cli import main

if __name__ == "__main__":
    main()
