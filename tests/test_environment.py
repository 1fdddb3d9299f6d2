"""The two pinned environments agree, and notebook 00's version check can fail."""

import re
import shutil

import pytest

from dronediplomacy.running import environment
from dronediplomacy import paths

# Entries of environment.yml with no counterpart in requirements.in, on purpose:
DELIBERATE_EXCEPTIONS = {
    "python",  # conda pins the interpreter; pip gets it from the machine (repro.py checks 3.11-3.13)
    "pip",     # needed by conda to install the project itself (the `pip: [-e .]` entry)
}
# conda-forge names that differ from the pip name
CONDA_NAMES = {"python-fastjsonschema": "fastjsonschema"}


def conda_dependencies() -> dict[str, str]:
    text = (paths.ROOT / "environment.yml").read_text(encoding="utf-8")
    body = text.split("dependencies:", 1)[1]
    found = {}
    for match in re.finditer(r"^  - ([A-Za-z0-9_.\-]+)(?:=([^\s#]+))?\s*$", body, re.M):
        name = match.group(1).lower()
        found[CONDA_NAMES.get(name, name)] = match.group(2) or ""
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
    packages = table[table["package"] != "python"]
    assert (packages["locked"] == packages["installed"]).all()
    assert table.iloc[0].to_dict() == {"package": "python", **environment.python_row()}


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


# --- one lock for Python 3.11 to 3.13 ------------------------------------------------------

import os
import subprocess
import sys
import tomllib

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

TARGETS = [(python, platform) for python in ("3.11", "3.12", "3.13")
           for platform in ("linux", "darwin", "win32")]


def marker_environment(python: str, platform: str) -> dict[str, str]:
    os_name = "nt" if platform == "win32" else "posix"
    system = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[platform]
    return {"python_version": python, "python_full_version": f"{python}.0", "os_name": os_name,
            "sys_platform": platform, "platform_system": system,
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "platform_machine": "x86_64", "extra": ""}


def lock_entries() -> dict[str, tuple[str, Marker | None]]:
    """name -> (version, marker) of every requirement in the lock."""
    text = (paths.ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = {}
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            requirement = Requirement(line.rstrip(" \\"))
            (version,) = [spec.version for spec in requirement.specifier]
            entries[canonicalize_name(requirement.name)] = (version, requirement.marker)
    return entries


def test_the_lock_is_universal_and_generated_by_the_command_in_requirements_in():
    lock = (paths.ROOT / "requirements.lock").read_text(encoding="utf-8")
    command = re.search(r"^#\s+(uv pip compile .*)$", lock, re.M).group(1)
    documented = (paths.ROOT / "requirements.in").read_text(encoding="utf-8")
    assert command in documented
    assert "--universal" in command and "--python-version 3.11" in command
    assert "--generate-hashes" in command


@pytest.mark.parametrize("python, platform", TARGETS)
def test_the_lock_resolves_for_each_supported_python(python, platform):
    """For each target, the requirements the markers select include every direct
    dependency, and every dependency (under the target's markers) of every selected
    package installed here (same versions as the lock)."""
    from importlib import metadata

    environment_ = marker_environment(python, platform)
    selected = {name: version for name, (version, marker) in lock_entries().items()
                if marker is None or marker.evaluate(environment_)}
    assert set(environment.direct_requirements()) <= set(selected)
    missing = []
    for name in selected:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # a package of another platform (pywinpty, appnope, colorama)
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate(environment_):
                continue
            dependency = canonicalize_name(requirement.name)
            if dependency not in selected:
                missing.append(f"{name} needs {dependency}")
            elif not requirement.specifier.contains(selected[dependency], prereleases=True):
                missing.append(f"{name} needs {requirement}, locked {selected[dependency]}")
    assert missing == []


def test_the_supported_pythons_are_the_same_everywhere():
    repro = _repro()
    assert (repro.OLDEST_PYTHON, repro.NEWEST_PYTHON) == environment.SUPPORTED_PYTHON
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">={}.{}".format(*repro.OLDEST_PYTHON)
    classified = [c.rsplit(" ", 1)[1] for c in project["classifiers"]
                  if c.startswith("Programming Language :: Python :: 3.")]
    assert classified == [f"3.{minor}" for minor in range(repro.OLDEST_PYTHON[1],
                                                          repro.NEWEST_PYTHON[1] + 1)]
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3.{}".format(repro.NEWEST_PYTHON[1]) in ci


def test_a_newer_python_is_warned_about_and_an_older_one_refused_in_one_line():
    repro = _repro()
    assert repro.python_problem((3, 11)) is None and repro.python_problem((3, 13)) is None
    fatal, message = repro.python_problem((3, 14))
    assert not fatal and message.startswith("warning: Python 3.14 is newer")
    fatal, message = repro.python_problem((3, 10))
    assert fatal and "3.11 to 3.13" in message and "pyenv install" in message
    assert "\n" not in message
    import ast

    ast.parse((paths.ROOT / "repro.py").read_text(encoding="utf-8"), feature_version=(3, 6))


def test_notebook_00_shows_the_same_python_row_on_every_supported_python():
    rows = {environment.python_row((3, minor))["installed"] for minor in (11, 12, 13)}
    assert len(rows) == 1
    assert environment.python_row((3, 14))["installed"] == "3.14 (untested)"
    with pytest.raises(RuntimeError, match="older than this project supports"):
        environment.python_row((3, 10))


# --- installable like a package -------------------------------------------------------------

def third_party_imports() -> set[str]:
    import ast

    names = set()
    for path in (paths.ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names
            if name not in sys.stdlib_module_names and name != "dronediplomacy"}


def test_pip_install_brings_every_library_the_package_imports_at_a_range_holding_the_lock():
    from importlib import metadata

    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(line).name): Requirement(line).specifier
                for line in project["dependencies"]}
    locked = environment.locked_versions()
    for name, specifier in declared.items():
        assert specifier.contains(locked[name]), f"{name}: lock {locked[name]} not in {specifier}"
        assert any(spec.operator == "<" for spec in specifier), f"{name}: no upper bound"
    providers = metadata.packages_distributions()
    undeclared = sorted(module for module in third_party_imports()
                        if not {canonicalize_name(d) for d in providers.get(module, [module])}
                        & set(declared))
    assert undeclared == []
    ignored = (paths.ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {"*.egg-info/", "build/", "dist/"} <= set(ignored)


# --- set-up failures: one line, no half-built .venv -----------------------------------------

def repro_copy(folder, lock: str):
    """repro.py in an empty folder, with a lock of its own."""
    folder.mkdir()
    (folder / "repro.py").write_bytes((paths.ROOT / "repro.py").read_bytes())
    (folder / "requirements.lock").write_text(lock, encoding="utf-8")
    return folder


def run_repro(folder, **env) -> subprocess.CompletedProcess:
    # sys.executable's base interpreter: a venv's python can create venvs as well
    environment_ = {**os.environ, "PIP_CONFIG_FILE": os.devnull, **env}
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        environment_.pop(name, None)
    environment_.update(env)
    return subprocess.run([sys.executable, "repro.py", "run"], cwd=folder, capture_output=True,
                          text=True, timeout=300, env=environment_)


TINY_LOCK = ("six==1.17.0 \\\n    --hash=sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274\n")


def test_without_venv_or_ensurepip_setup_says_which_package_to_install(tmp_path):
    folder = repro_copy(tmp_path / "clone", TINY_LOCK)
    hide = tmp_path / "hide"
    hide.mkdir()
    # what Debian's python3 without python3-venv is like: no ensurepip module
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['ensurepip'] = None\n")
    result = run_repro(folder, PYTHONPATH=str(hide))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "venv" in line and "apt-get install python3" in line
    assert "Traceback" not in result.stderr
    assert not (folder / ".venv").exists()


def test_no_package_index_is_one_line_and_leaves_no_half_built_venv(tmp_path):
    folder = repro_copy(tmp_path / "clone", TINY_LOCK)
    # an index on a closed local port: what pip meets without a network
    result = run_repro(folder, PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_RETRIES="0",
                       PIP_TIMEOUT="2", PIP_NO_CACHE_DIR="1")
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("repro: creating")]
    (line,) = lines
    assert "package index is not reachable" in line and ".venv-setup.log" in line
    assert not (folder / ".venv").exists()
    assert "six==1.17.0" in (folder / ".venv-setup.log").read_text(encoding="utf-8")


def test_a_stale_venv_is_not_rebuilt_from_the_python_inside_it(tmp_path):
    # `source .venv/bin/activate` and then a new lock: deleting .venv would delete this Python
    folder = repro_copy(tmp_path / "clone", TINY_LOCK)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / ".venv")], check=True)
    result = subprocess.run([str(folder / ".venv" / "bin" / "python"), "repro.py", "run"], cwd=folder,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "deactivate" in line and (folder / ".venv" / "bin" / "python").exists()


@pytest.mark.parametrize("output, expected", [
    ("ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
     "the disk is full"),
    ("WARNING: Retrying ... NewConnectionError('Failed to establish a new connection')",
     "package index is not reachable"),
    ("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
     "did not match its hash"),
])
def test_each_setup_failure_is_named_in_one_line(output, expected):
    message = _repro().setup_failure(output)
    assert expected in message and "\n" not in message


def test_a_copy_installed_outside_the_clone_finds_the_clone_from_the_working_directory(tmp_path):
    """``pip install .`` puts the package in site-packages: the notebooks, run from the
    clone's notebooks/ folder, must still find the clone's data; outside a clone, one message."""
    import subprocess
    import sys

    shutil.copytree(paths.ROOT / "src" / "dronediplomacy", tmp_path / "site" / "dronediplomacy")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import dronediplomacy.paths as p; "
            "print(p.ROOT); print(p.__file__)")
    found = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site")], cwd=paths.NOTEBOOKS,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert found == [str(paths.ROOT), str(tmp_path / "site" / "dronediplomacy" / "paths.py")]
    outside = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site")], cwd=tmp_path,
                             capture_output=True, text=True)
    assert outside.returncode != 0 and "run from inside a clone" in outside.stderr
