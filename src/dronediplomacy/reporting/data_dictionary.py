"""``data/README.md`` (the data dictionary, from ``templates/data_dictionary.md.j2``) and
``data/datapackage.json`` (a Frictionless data package) from ``data/tables.yaml`` and the rules in
inputs/, byte-identical on every run; ``python -m dronediplomacy.reporting.data_dictionary`` writes both."""

import copy
import csv
import json
from itertools import islice
from pathlib import Path

from dronediplomacy import text
from dronediplomacy.atomic import write_text
from dronediplomacy.inputs.schemas import CELL_RULES, DESCRIPTOR, SPECS_BY_NAME
from dronediplomacy.inputs.verify import COPY_RUN_WORDS
from dronediplomacy.paths import DATA, relative
from dronediplomacy.reporting.narrative import jinja

DICTIONARY_PATH = DATA / "README.md"
PACKAGE_PATH = DATA / "datapackage.json"
TEMPLATE = Path(__file__).parent / "templates" / "data_dictionary.md.j2"
OURS = {"madeBy", "validated", "rowsRequired", "otherFields", "freeText", "rowRules", "periods"}


def render_dictionary() -> str:
    """The full text of data/README.md."""
    env = jinja(TEMPLATE.parent, code=lambda name: f"`{name}`",  # cell: text safe in a table cell
                cell=lambda value: str(value).replace("|", "\\|").replace("\n", " "))
    return env.get_template(TEMPLATE.name).render(
        rule=text.RULE, copy_run_words=COPY_RUN_WORDS, cell_rules=CELL_RULES,
        resources=DESCRIPTOR["resources"],
        checks={name: spec.schema.checks for name, spec in SPECS_BY_NAME.items()}).rstrip("\n") + "\n"


def datapackage(data_dir: Path | str = DATA) -> dict:
    """The descriptor without our own properties and the foreign keys Frictionless cannot check,
    each resource with licence and sources, ``otherFields`` as one field per CSV column."""
    package = copy.deepcopy(DESCRIPTOR)
    for resource in package["resources"]:
        if "otherFields" in resource:
            dialect = resource.get("dialect", {})
            with open(Path(data_dir) / resource["path"], encoding="utf-8-sig", newline="") as f:
                rows = csv.reader(f, delimiter=dialect.get("delimiter", ","))
                header = next(islice(rows, dialect.get("headerRows", [1])[0] - 1, None))
            fields = {f["name"]: f for f in resource["schema"]["fields"]}
            resource["schema"]["fields"] = [fields.get(n.strip(), {"name": n.strip(), **resource["otherFields"]})
                                            for n in header]
        for field in resource["schema"]["fields"]:
            field.pop("freeText", None)
        keys = [k for k in resource["schema"].pop("foreignKeys", [])
                if not {"when", "delimiter"} & set(k)]
        if keys:
            resource["schema"]["foreignKeys"] = keys
        for key in OURS:
            resource.pop(key, None)
        resource.update({"profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8",
                         "licenses": resource.get("licenses", package["licenses"]),
                         "sources": resource.get("sources", package["sources"])})
    return package


def render_package(data_dir: Path | str = DATA) -> str:
    return json.dumps(datapackage(data_dir), indent=2, ensure_ascii=False) + "\n"


def write_dictionary(data_dir: Path | str = DATA) -> Path:
    """(Re)write ``README.md`` and ``datapackage.json`` in ``data_dir`` (default data/)
    atomically; unchanged bytes leave the files untouched. Returns the dictionary's path."""
    data_dir = Path(data_dir)
    write_text(data_dir / DICTIONARY_PATH.name, render_dictionary())
    write_text(data_dir / PACKAGE_PATH.name, render_package(data_dir))
    return data_dir / DICTIONARY_PATH.name


if __name__ == "__main__":
    print(f"wrote {relative(write_dictionary())} and {relative(PACKAGE_PATH)}")
