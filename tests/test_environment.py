"""The two pinned environments agree, and notebook 00's version check can fail."""

import re

import pytest

from dronediplomacy.running import environment
from dronediplomacy import paths

# Entries of environment.yml with no counterpart in requirements.in, on purpose:
DELIBERATE_EXCEPTIONS = {
    "python",  # conda pins the interpreter; pip gets it from the machine (repro.py checks 3.11)
    "pip",     # needed by conda to install the project itself (the `pip: [-e .]` entry)
}


def conda_dependencies() -> dict[str, str]:
    text = (paths.ROOT / "environment.yml").read_text(encoding="utf-8")
    body = text.split("dependencies:", 1)[1]
    found = {}
    for match in re.finditer(r"^  - ([A-Za-z0-9_.\-]+)(?:=([^\s#]+))?\s*$", body, re.M):
        found[match.group(1).lower()] = match.group(2) or ""
    return found


def test_environment_yml_lists_the_direct_dependencies_at_the_locked_versions():
    conda = conda_dependencies()
    locked = environment.locked_versions()
    direct = environment.direct_requirements()
    assert set(conda) - DELIBERATE_EXCEPTIONS == set(direct)
    for name in direct:
        assert conda[name] == locked[name], f"{name}: environment.yml {conda[name]} != lock {locked[name]}"


def test_every_direct_requirement_is_pinned_in_the_lock():
    locked = environment.locked_versions()
    missing = [name for name in environment.direct_requirements() if name not in locked]
    assert not missing
    # transitive packages are pinned too: the lock is much longer than the direct list
    assert len(locked) > 3 * len(environment.direct_requirements())


def test_required_stack_is_present():
    assert {"jupyterlab", "pandas", "seaborn", "nbval"} <= set(environment.direct_requirements())


def test_stack_versions_match_this_environment():
    table = environment.stack_versions()
    assert (table["locked"] == table["installed"]).all()


def test_stack_versions_names_a_mismatch(monkeypatch):
    real = environment.locked_versions()
    monkeypatch.setattr(environment, "locked_versions", lambda: {**real, "pandas": "0.0.1"})
    with pytest.raises(RuntimeError, match=r"pandas \(locked 0\.0\.1, installed "):
        environment.stack_versions()


def _repro():
    import importlib.util

    spec = importlib.util.spec_from_file_location("repro", paths.ROOT / "repro.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_quick_start_probe_checks_direct_dependencies_and_fails_on_a_missing_one():
    import subprocess
    import sys

    repro = _repro()
    direct = {name.replace("-", "_") for name in environment.direct_requirements()}
    assert set(repro.PROBED_PACKAGES) <= direct, "probe a package the lock installs directly"
    found = subprocess.run([sys.executable, "-c", repro.PROBE, *repro.PROBED_PACKAGES],
                           capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert "site-packages" in found.stdout
    missing = subprocess.run([sys.executable, "-c", repro.PROBE, "pandas", "no_such_package_x"],
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "no_such_package_x" in missing.stderr
