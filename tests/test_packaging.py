"""``pip install .`` ships every template and data file the package reads beside its modules."""

import glob
import tomllib

from dronediplomacy import paths

PACKAGE = paths.ROOT / "src" / "dronediplomacy"


def shipped_files(pyproject: dict, package_root) -> set:
    """Files (relative to ``package_root``'s parent) that setuptools' package-data globs select."""
    shipped = set()
    for package, patterns in pyproject["tool"]["setuptools"]["package-data"].items():
        folder = package_root.parent.joinpath(*package.split("."))
        for pattern in patterns:
            shipped |= {(folder / hit).relative_to(package_root.parent)
                        for hit in glob.glob(pattern, root_dir=folder) if (folder / hit).is_file()}
    return shipped


def data_files(package_root) -> set:
    return {p.relative_to(package_root.parent) for p in package_root.rglob("*")
            if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts}


def test_every_file_beside_the_modules_is_package_data():
    pyproject = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    missing = data_files(PACKAGE) - shipped_files(pyproject, PACKAGE)
    assert not missing, ("add these to [tool.setuptools.package-data] in pyproject.toml: "
                         f"{sorted(map(str, missing))}")


def test_a_file_no_pattern_selects_is_reported(tmp_path):
    package = tmp_path / "pkg"
    (package / "templates" / "deep").mkdir(parents=True)
    (package / "templates" / "a.j2").write_text("x")
    (package / "templates" / "deep" / "b.yaml").write_text("x")
    pyproject = {"tool": {"setuptools": {"package-data": {"pkg": ["templates/*"]}}}}
    assert data_files(package) - shipped_files(pyproject, package) == {
        (package / "templates" / "deep" / "b.yaml").relative_to(tmp_path)}
