"""Training data for the colorizer: corpus build, user dataset layouts, packs, test-set guard.

Command line (see ``python -m train.data --help``)::

    python -m train.data build --out data/ --size 256 [--limit N] [--sources openmoji,dicebear] [--workers 2]
    python -m train.data pack --data data/ --out .pack/corpus.npz --max-mib 55

Training code must call :func:`assert_not_test` on what it reads.
"""

from train.data.splits import TestDataError, assert_not_test, is_test_path, load_test_manifest

__all__ = ["load_test_manifest", "is_test_path", "assert_not_test", "TestDataError"]
