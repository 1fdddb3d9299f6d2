"""The catalogue of bad inputs (``bad_inputs.yaml`` beside this module, shipped with the
package): what a person editing the inputs can get wrong, and what the repository answers
(the readers' messages, built by :func:`input_error`). Each case is a test in
tests/test_bad_inputs.py and a row of the README's "What happens with bad input". Data only:
the package never imports the tests.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import yaml

from dronediplomacy.errors import InputError

_CATALOGUE = yaml.safe_load((Path(__file__).with_name("bad_inputs.yaml")).read_text(encoding="utf-8"))

#: Where each kind of input lives and what reads it.
INPUTS: dict[str, str] = _CATALOGUE["inputs"]
#: Each case: id, input (a key of INPUTS), broken (in words), how (the test's edit), file, row
#: and column (what the message names), user_path (None, "runner NN" or "code-statements").
CASES: tuple[SimpleNamespace, ...] = tuple(SimpleNamespace(**{"user_path": None, **case})
                                           for case in _CATALOGUE["cases"])
#: Variants (id, input, variant) accepted and giving exactly what the clean file gives.
HARMLESS: tuple[SimpleNamespace, ...] = tuple(SimpleNamespace(**h) for h in _CATALOGUE["harmless"])
#: The readers' messages by key: problem and fix, with {placeholders}.
MESSAGES: dict[str, dict] = _CATALOGUE["messages"]


def input_error(key: str, file: Path | str, /, *, row: object = None, column: str | None = None,
                **values: object) -> InputError:
    """The InputError of ``MESSAGES[key]`` about ``file``, ``row`` and ``column``, its problem
    and fix filled (``str.format``) from ``values`` and ``column``. KeyError for an unknown
    key or a placeholder without a value."""
    message, values = MESSAGES[key], {"column": column, **values}
    return InputError(file, message["problem"].format(**values), row=row, column=column,
                      fix=message["fix"].format(**values))
