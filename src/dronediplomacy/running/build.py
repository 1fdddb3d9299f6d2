"""Reproduce everything: the first Quick start command (``python3 repro.py run``) calls this.

Order: execute the notebooks in the order of ``pipeline.NOTEBOOKS``, then regenerate the
indexes (the README's generated blocks, some of which list what the notebooks wrote) and
render the site from the executed notebooks and the figure manifest. The data dictionary
(``data/README.md``, generated from the schemas, read by no notebook) is written on a
second thread while the first notebook starts, and each notebook's page is rendered on
another as soon as the notebook is written, while the next one runs.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from dronediplomacy.reporting import readme
from dronediplomacy.running import runner
from dronediplomacy.reporting import site
from dronediplomacy.errors import InputError


def _write_dictionary() -> None:
    from dronediplomacy.reporting import data_dictionary as dictionary  # imports pandera: a second off the first notebook's start

    dictionary.write_dictionary()


def main(argv: list[str] | None = None) -> int:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dictionary") as pool:
        dictionary_written = pool.submit(_write_dictionary)
        with site.prerender_in_background() as prerender:
            status = runner.main(argv, on_written=prerender)
        dictionary_written.result()  # its error, if any, stops the build here
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
