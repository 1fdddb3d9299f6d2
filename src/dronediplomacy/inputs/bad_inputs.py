"""The catalogue of bad inputs (``bad_inputs.yaml`` beside this module): what a person editing
the inputs can get wrong, each case a test in tests/test_bad_inputs.py and a row of the README's
"What happens with bad input", and every message the readers answer with (:func:`input_error`)."""

from pathlib import Path
from types import SimpleNamespace

import yaml

from dronediplomacy.errors import InputError

_CATALOGUE = yaml.safe_load((Path(__file__).with_name("bad_inputs.yaml")).read_text(encoding="utf-8"))

# The YAML file's comments say what each section and field means.
INPUTS: dict[str, str] = _CATALOGUE["inputs"]
CASES: tuple[SimpleNamespace, ...] = tuple(SimpleNamespace(**{"user_path": None, **case})
                                           for case in _CATALOGUE["cases"])
HARMLESS: tuple[SimpleNamespace, ...] = tuple(SimpleNamespace(**h) for h in _CATALOGUE["harmless"])
MESSAGES: dict[str, dict] = _CATALOGUE["messages"]  # key -> problem and fix, with {placeholders}


def input_error(key: str, file: Path | str, /, *, row: object = None, column: str | None = None,
                **values: object) -> InputError:
    """The InputError of ``MESSAGES[key]`` about ``file``, ``row`` and ``column``, its problem
    and fix filled (``str.format``) from ``values`` and ``column``. KeyError for an unknown
    key or a placeholder without a value."""
    message, values = MESSAGES[key], {"column": column, **values}
    return InputError(file, message["problem"].format(**values), row=row, column=column,
                      fix=message["fix"].format(**values))
