"""Hermetic runs: no network beyond loopback, and no dependence on the current folder, the
locale, the time zone or the order of files on disk. Plus the source checks: YAML only
through a safe loader, no eval/exec.

The run test starts the runner on notebooks 01-04 in a copy of the repository with a guard
on PYTHONPATH (a sitecustomize.py that the runner and every kernel import, since kernels
inherit the environment). The guard refuses, and records, every connection and name lookup
that leaves this machine, and lists directories in reverse order. The run starts from
another folder, under LC_ALL=C and TZ=Asia/Tokyo, and must reproduce every committed
output byte for byte.
"""

import ast
import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from dronediplomacy.coding import codebook
from dronediplomacy import paths
from sandbox import environment, make_sandbox, snapshot

pytestmark = pytest.mark.slow  # run first: see tests/conftest.py

GUARD = textwrap.dedent('''
    """Test guard from tests/test_hermetic.py: refuse and record connections and name
    lookups that leave this machine; list directories in reverse order."""
    import ipaddress
    import os
    import socket
    import sys

    _LOG = os.environ["DRONE_GUARD_LOG"]


    def _record(kind, what):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{kind} {os.getpid()} {what!r} {' '.join(sys.argv)[:200]}\\n")


    _record("loaded", "")
    _LOCAL_NAMES = {None, "", "localhost", "ip6-localhost", socket.gethostname()}


    def _is_loopback(host):
        if host in _LOCAL_NAMES:
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False


    def _check(family, address):
        if family == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
            return
        if not _is_loopback(address[0]):
            _record("blocked", address)
            raise OSError(f"test guard: connection to {address!r} refused (no network)")


    _connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


    def connect(self, address):
        _check(self.family, address)
        return _connect(self, address)


    def connect_ex(self, address):
        _check(self.family, address)
        return _connect_ex(self, address)


    def _lookup(original):
        def lookup(host, *args, **kwargs):
            if not _is_loopback(host if not isinstance(host, bytes) else host.decode()):
                try:
                    ipaddress.ip_address(str(host))  # a literal address needs no lookup
                except ValueError:
                    _record("blocked", ("lookup", host))
                    raise socket.gaierror(f"test guard: lookup of {host!r} refused (no network)")
            return original(host, *args, **kwargs)
        return lookup


    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.getaddrinfo = _lookup(socket.getaddrinfo)
    socket.gethostbyname = _lookup(socket.gethostbyname)
    socket.gethostbyname_ex = _lookup(socket.gethostbyname_ex)

    # Files in reverse name order: output must not depend on the order the disk gives.
    _listdir, _scandir = os.listdir, os.scandir


    def listdir(path="."):
        return sorted(_listdir(path), reverse=True)


    class _Reversed:
        def __init__(self, path):
            with _scandir(path) as entries:
                self._entries = sorted(entries, key=lambda e: e.name, reverse=True)

        def __iter__(self):
            return iter(self._entries)

        def __next__(self):
            if not self._entries:
                raise StopIteration
            return self._entries.pop(0)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def close(self):
            pass


    def scandir(path="."):
        return _Reversed(path)


    os.listdir, os.scandir = listdir, scandir
''')


def install_guard(folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    return folder, folder / "guard.log"


def guard_log(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [line.split(" ", 3) for line in log.read_text(encoding="utf-8").splitlines()]


def test_the_guard_blocks_and_records_outside_connections_and_reverses_listings(tmp_path):
    """The guard itself (so the run test below cannot pass because it is idle)."""
    guard, log = install_guard(tmp_path / "guard")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    (tmp_path / "files").mkdir()
    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / "files" / name).write_text("x")
    probe = textwrap.dedent(f"""
        import glob, os, socket, urllib.request
        from pathlib import Path
        socket.create_connection(("127.0.0.1", {port}), timeout=5).close()   # loopback: fine
        for attempt in (lambda: socket.create_connection(("192.0.2.1", 80), timeout=5),
                        lambda: urllib.request.urlopen("http://example.org/", timeout=5)):
            try:
                attempt()
            except OSError as error:
                assert "test guard" in str(error), error
            else:
                raise SystemExit("not blocked")
        folder = Path({str(tmp_path / "files")!r})
        assert os.listdir(folder) == ["c.csv", "b.csv", "a.csv"]
        assert [p.name for p in folder.glob("*.csv")] == ["c.csv", "b.csv", "a.csv"]
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, env=environment(tmp_path, pythonpath=(guard,),
                                                        DRONE_GUARD_LOG=str(log)))
    listener.close()
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr
    kinds = [entry[0] for entry in guard_log(log)]
    assert kinds == ["loaded", "blocked", "blocked"]


def test_notebooks_run_offline_from_another_folder_in_another_locale_and_time_zone(tmp_path):
    sandbox = make_sandbox(tmp_path / "repo", outputs=True)
    before = snapshot(sandbox)
    guard, log = install_guard(tmp_path / "guard")
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    texts = paths.sources_dir()   # verify against the source text too, when this machine has it
    result = subprocess.run(
        [sys.executable, "-m", "dronediplomacy.running.runner", "01-04"], cwd=elsewhere,
        env=environment(sandbox, pythonpath=(guard,), DRONE_GUARD_LOG=str(log), LC_ALL="C",
                        LANG="C", TZ="Asia/Tokyo",
                        **({paths.SOURCES_DIR_ENV: str(texts)} if texts.is_dir() else {})),
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    entries = guard_log(log)
    assert [entry for entry in entries if entry[0] != "loaded"] == []   # nothing went outside
    kernels = [entry for entry in entries if entry[0] == "loaded" and " -f " in entry[3]]
    assert len(kernels) == 4, entries  # the guard was live in the kernel of every notebook
    after = snapshot(sandbox)
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    assert changed == [], "outputs differ from the committed ones: " + ", ".join(changed)


# --- the source, read as text ----------------------------------------------------------------

def python_sources() -> dict[str, str]:
    """Every Python file of the package, and every notebook's code (magics left out)."""
    sources = {path.relative_to(paths.ROOT).as_posix(): path.read_text(encoding="utf-8")
               for path in sorted((paths.ROOT / "src").rglob("*.py"))}
    for notebook in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = ["\n".join(line for line in "".join(cell["source"]).splitlines()
                          if not line.lstrip().startswith(("%", "!")))
                for cell in cells if cell["cell_type"] == "code"]
        sources[notebook.relative_to(paths.ROOT).as_posix()] = "\n\n".join(code)
    return sources


def calls(tree: ast.AST):
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else "?"


SAFE_LOADERS = {"yaml.SafeLoader", "yaml.CSafeLoader", "SafeLoader", "CSafeLoader",
                "StrictSafeLoader"}


def test_yaml_is_read_only_through_a_safe_loader():
    assert issubclass(codebook.StrictSafeLoader, yaml.SafeLoader)
    offenders = []
    for name, source in python_sources().items():
        for call in calls(ast.parse(source, name)):
            function = dotted(call.func)
            if function in ("yaml.unsafe_load", "yaml.full_load", "yaml.unsafe_load_all",
                            "yaml.full_load_all"):
                offenders.append(f"{name}:{call.lineno} {function}")
            elif function in ("yaml.load", "yaml.load_all"):
                loader = next((dotted(k.value) for k in call.keywords if k.arg == "Loader"),
                              dotted(call.args[1]) if len(call.args) > 1 else None)
                if loader not in SAFE_LOADERS:
                    offenders.append(f"{name}:{call.lineno} {function}(Loader={loader})")
    assert offenders == []


def test_no_eval_or_exec_anywhere_in_the_package_or_the_notebooks():
    offenders = [f"{name}:{call.lineno} {dotted(call.func)}"
                 for name, source in python_sources().items()
                 for call in calls(ast.parse(source, name))
                 if dotted(call.func) in ("eval", "exec", "builtins.eval", "builtins.exec",
                                          "pd.eval", "pandas.eval")
                 or (isinstance(call.func, ast.Attribute) and call.func.attr in ("eval", "query")
                     and call.args and not isinstance(call.args[0], ast.Constant))]
    assert offenders == []
