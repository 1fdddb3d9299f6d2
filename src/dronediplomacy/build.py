"""Reproduce everything: the first Quick start command (``python3 repro.py run``) calls this.

Order: say whether the source text is present, regenerate the indexes that are
derived from code (the data dictionary, the README's notebook table), execute
every notebook in the order of ``pipeline.NOTEBOOKS``, render the site.
"""

from __future__ import annotations

import sys

from . import readme, runner


def main(argv: list[str] | None = None) -> int:
    readme.update()
    return runner.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
