"""The catalogue of bad inputs (``bad_inputs.yaml`` beside this module, shipped with the
package): what a person editing the inputs can get wrong, and what the repository answers.
Each case is a test in tests/test_bad_inputs.py and a row of the README's "What happens with
bad input". Data only: the package never imports the tests.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import yaml

_CATALOGUE = yaml.safe_load((Path(__file__).with_name("bad_inputs.yaml")).read_text(encoding="utf-8"))

#: Where each kind of input lives and what reads it.
INPUTS: dict[str, str] = _CATALOGUE["inputs"]
#: Each case: id, input (a key of INPUTS), broken (in words), how (the test's edit), file, row
#: and column (what the message names), user_path (None, "runner NN" or "code-statements").
CASES: tuple[SimpleNamespace, ...] = tuple(SimpleNamespace(**{"user_path": None, **case})
                                           for case in _CATALOGUE["cases"])
#: Variants (id, input, variant) accepted and giving exactly what the clean file gives.
HARMLESS: tuple[SimpleNamespace, ...] = tuple(SimpleNamespace(**h) for h in _CATALOGUE["harmless"])
