"""Reproduce everything: the first Quick start command (``python3 repro.py run``) calls this.

Order: regenerate the indexes derived from code (the README's generated blocks, the data
dictionary), execute the notebooks in the order of ``pipeline.NOTEBOOKS``, then render the
site from the executed notebooks and the figure manifest.
"""

from __future__ import annotations

import sys

from . import dictionary, readme, runner, site
from .errors import InputError


def main(argv: list[str] | None = None) -> int:
    dictionary.write_dictionary()
    # Each notebook's page is rendered (in memory) on a second thread as soon as the
    # notebook is written, while the next one runs; render_site() below reuses them.
    with site.prerender_in_background() as prerender:
        status = runner.main(argv, on_written=prerender)
    if status != 0:
        return status
    readme.update()  # after the notebooks: some README blocks list what they wrote
    try:
        site.render_site()
    except (InputError, site.OfflineError) as problem:
        print(f"build: site not rendered: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
