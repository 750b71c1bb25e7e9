"""`python -m tests.bench.versioned_rasa run ...`: Haven's Rasa server, first noting which jsonschema it imported.

Used only by the bench's turn_cpu step: writes `jsonschema <version> <file>` to the file named by
HAVEN_BENCH_IMPORTS, then runs `python -m bot.cli.rasa_server` in this same process (so Rasa uses that module).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

IMPORTS_ENV = "HAVEN_BENCH_IMPORTS"


def main() -> int:
    import jsonschema

    with warnings.catch_warnings():  # jsonschema 4 deprecates __version__ but still has it
        warnings.simplefilter("ignore", DeprecationWarning)
        version = getattr(jsonschema, "__version__", "unknown")
    Path(os.environ[IMPORTS_ENV]).write_text(f"{version} {jsonschema.__file__}\n", encoding="utf-8")
    from bot.cli.rasa_server import main as rasa_server_main

    return rasa_server_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
