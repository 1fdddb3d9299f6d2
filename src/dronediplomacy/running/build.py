"""Reproduce everything (``python3 repro.py run``): the notebooks in order; then the data
dictionary and package, REFI-QDA exports and README blocks (some list what the notebooks wrote);
then the site, from the executed notebooks."""

import sys

from dronediplomacy.running import INTERRUPTED

try:  # seconds of imports: a Ctrl-C meanwhile ends with the runner's line, not a traceback
    from dronediplomacy.errors import InputError
    from dronediplomacy.reporting import data_dictionary, readme, refi_qda, site
    from dronediplomacy.running import runner
except KeyboardInterrupt:
    if __name__ != "__main__":
        raise
    print(INTERRUPTED, file=sys.stderr)
    sys.exit(130)


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks named by ``argv`` (default: all), then the indexes and the site.
    Returns the exit status: the runner's if not 0, else 0, or 1 if the site failed (one line)."""
    status = runner.main(argv)
    if status != 0:
        return status
    data_dictionary.write_dictionary()
    refi_qda.write_exports()
    readme.update()
    try:
        site.render_site()
    except (InputError, site.OfflineError) as problem:
        print(f"build: site not rendered: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
