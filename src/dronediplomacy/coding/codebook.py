"""The codebook: load it strictly, validate it, and lay it out as a table.

``data/input/codebook.yaml`` is the single definition of every code. YAML files here are
read with :class:`StrictSafeLoader`: a safe loader that rejects duplicate keys (plain
``yaml.safe_load`` keeps the last value silently), records the line of every key, and
resolves plain scalars by YAML 1.2's core schema, so ``no``, ``on`` or ``2019-03-01``
stay the text the author typed (YAML 1.1 would read a boolean and a date). The file's
shape is declared in :data:`SCHEMA` and checked by :func:`check`; every problem is
raised as :class:`~dronediplomacy.errors.InputError` naming the file, the line and the
key, with the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from dronediplomacy import paths
from dronediplomacy.errors import InputError

CODEBOOK_PATH = paths.DATA_INPUT / "codebook.yaml"

#: The four works the design names; each must be in the reference list and cited by a dimension.
REQUIRED_REFERENCES = ("weaver1986", "hood2011", "semetko2000", "entman1993")
KINDS = ("multi_label", "single")
LEVELS = ("nominal", "ordinal")
CODERS = ("hand", "rules", "derived")

# ---------------------------------------------------------------- declared shapes
# A schema is one of: a kind name below; a tuple (one of these values); a one-item list
# (a non-empty list of such items); a dict (a mapping with these keys: "key?" is optional,
# ANY_ID as a key means any id key, "..." allows other keys, "!" is a note for unknown keys).
TEXT, ID, ANY_ID = "text", "id", "<any id>"
KIND_CHECKS = {
    "text": (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty text"),
    "string": (lambda v: isinstance(v, str), "a text (in quotes if empty)"),
    "id": (lambda v: isinstance(v, str) and re.fullmatch(r"[a-z][a-z0-9_]*", v) is not None,
           "an id in lower_snake_case, e.g. credit_claiming"),
    "version": (lambda v: isinstance(v, str) and re.fullmatch(r"\d+\.\d+\.\d+", v) is not None,
                'a semantic version in quotes, e.g. "1.0.0"'),
    "pattern": (lambda v: isinstance(v, str) and v != "", "a non-empty pattern in single quotes, "
                                                          "e.g. 'our drones?'"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
              "a whole number >= 1, e.g. 3"),
    "true": (lambda v: v is True, "true (examples are constructed sentences)"),
}
EXAMPLE = {"text": TEXT, "constructed": "true",
           "!": "a constructed example is attributed to nobody and has only 'text' and "
                "'constructed'"}
CODE = {"id": ID, "label": TEXT, "definition": TEXT, "include": TEXT, "exclude": TEXT,
        "example": EXAMPLE, "counter_example": EXAMPLE, "value?": "integer", "...": True}
DIMENSION = {"id": ID, "label": TEXT, "kind": KINDS, "level_of_measurement": LEVELS,
             "coded_by": [CODERS], "question": TEXT, "grounding": TEXT, "references": [ID],
             "derived_from?": TEXT, "why_not_coded_by_the_dictionary?": TEXT, "codes": [CODE],
             "...": True}
SCHEMA = {"version": "version", "title": TEXT, "unit_of_analysis": TEXT,
          "how_the_dictionary_was_built": TEXT,
          "references": {ANY_ID: {"short": TEXT, "citation": TEXT, "doi?": "string",
                                  "used_for?": TEXT}},
          "dimensions": [DIMENSION], "...": True}


def _describe(value) -> str:
    kind = {bool: "the YAML boolean", int: "the number", float: "the number", str: "the text",
            type(None): "an empty value", dict: "a mapping", list: "a list"}
    return f"{kind.get(type(value), 'a ' + type(value).__name__)} {value!r}"[:80]


def check(path: Path, value, schema, where: str = "", column: str = "", container=None,
          key=None) -> None:
    """Raise InputError (file, line, key, fix) where ``value`` departs from ``schema``
    (see the comment above :data:`EXAMPLE`); a list of mappings may not repeat an id.
    ``where`` is the full key path (for the message), ``column`` the keys below the
    nearest list item (the error's column), ``container[key]`` is ``value``."""
    name = where or "the file"
    if isinstance(schema, (str, tuple)):
        test, wanted = KIND_CHECKS[schema] if isinstance(schema, str) else \
            (lambda v: v in schema, "one of " + ", ".join(schema))
        if not test(value):
            quote = isinstance(value, (bool, int, float)) and schema in ("text", "string", "id",
                                                                         "version", "pattern")
            typed = str(value).lower() if isinstance(value, bool) else value
            raise fail(path, container, key, f"{name} must be {wanted}, not {_describe(value)}.",
                       f"write the value in quotes: \"{typed}\"." if quote
                       else f"write {wanted}.", column)
    elif isinstance(schema, list):
        if not isinstance(value, list) or not value:
            raise fail(path, container, key, f"{name} must be a non-empty list, not "
                       f"{_describe(value)}.", "list the items below it, one '- ' line each.",
                       column)
        seen = {}
        for index, item in enumerate(value):
            label = item.get("id", index + 1) if isinstance(item, dict) else index + 1
            check(path, item, schema[0], f"{where}[{label}]",
                  "" if isinstance(item, dict) else column, value, index)
            if isinstance(label, str) and seen.setdefault(label, index) != index:
                raise fail(path, value, index, f"{where}: the id {label!r} is used twice.",
                           "remove one of the two, or rename it.", "id")
    elif not isinstance(value, dict):
        raise fail(path, container, key, f"{name} must be a mapping, not {_describe(value)}.",
                   "indent its keys below it.", column)
    else:
        def below(name_of: str) -> tuple[str, str]:
            return f"{where}.{name_of}".lstrip("."), f"{column}.{name_of}".lstrip(".")

        for spec_key, item_schema in schema.items():
            name_of = spec_key.rstrip("?")
            if spec_key == ANY_ID:
                for item_key, item in value.items():
                    check(path, item_key, ID, *below(item_key), value, item_key)
                    check(path, item, item_schema, *below(item_key), value, item_key)
            elif spec_key in ("...", "!") or name_of not in value and spec_key.endswith("?"):
                continue
            elif name_of not in value:
                raise fail(path, value, None, f"{name} lacks {name_of!r}.",
                           f"add '{name_of}:' with its value.", below(name_of)[1])
            else:
                check(path, value[name_of], item_schema, *below(name_of), value, name_of)
        known = {k.rstrip("?") for k in schema} - {"...", "!"}
        unknown = [k for k in value if k not in known and "..." not in schema
                   and ANY_ID not in schema]
        if unknown:
            raise fail(path, value, unknown[0], f"{name}: unknown key {unknown[0]!r}"
                       + (f"; {schema['!']}." if "!" in schema else "."),
                       f"remove it, or fix its name (allowed: {', '.join(sorted(known))}).",
                       below(unknown[0])[1])


# ---------------------------------------------------------------- strict YAML

class _LinedDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""


class _LinedList(list):
    """A sequence that remembers its own line and the line of each item (1-based)."""


class StrictSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with YAML 1.2 core-schema scalars, no duplicate keys, and lines."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in (
        ("null", r"~|null|Null|NULL|", "~nN"),
        ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
        ("int", r"[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+", "-+0123456789"),
        ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", "-+0123456789.")):
    StrictSafeLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"),
                                           [*_first, ""] if _tag == "null" else list(_first))


def _construct_mapping(loader: StrictSafeLoader, node: yaml.MappingNode) -> _LinedDict:
    loader.flatten_mapping(node)
    mapping = _LinedDict()
    mapping.line, mapping.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {mapping.key_lines[key]})",
                key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: StrictSafeLoader, node: yaml.SequenceNode) -> _LinedList:
    sequence = _LinedList(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.key_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_KEY_LINE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:(?:\s|$)")


def key_near(lines: list[str], line: int) -> str | None:
    """The key written on ``line`` (1-based) or, failing that, the nearest one above it."""
    for number in range(min(line, len(lines)), 0, -1):
        if match := _KEY_LINE.match(lines[number - 1]):
            return match.group(1)
    return None


def _syntax_fix(problem: str, context: str | None, context_line: int | None) -> str:
    if "duplicate key" in problem:
        return "keep one of the two, or merge them."
    if "could not determine a constructor" in problem:
        return "remove the '!!' tag: only plain YAML values are read (with a safe loader)."
    if "\t" in problem or "'\\t'" in problem:
        return "indent with spaces, never tabs, like the lines around it."
    if context and ("quoted scalar" in context or "flow" in context) and context_line:
        what = "quotation mark" if "quoted" in context else "bracket"
        return f"close the {what} opened on line {context_line}."
    if "mapping values are not allowed" in problem:
        return "put the value in double quotes: a value containing ': ' must be quoted."
    return ("indent this line like its siblings (spaces only), quote values that contain "
            "': ' or ' #', and close every bracket and quotation mark.")


def load_yaml_strictly(path: Path | str) -> dict:
    """Parse a YAML file whose top level is a mapping, with :class:`StrictSafeLoader`.

    Raises InputError naming the file, the line and the key for a missing file, bad UTF-8,
    a syntax error, a duplicate key, or a top level that is not a mapping. A byte order
    mark and Windows line endings are accepted.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found.",
                         fix="restore the file from git (git checkout -- <file>).") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, f"byte {data[error.start:error.start + 1]!r} is not UTF-8.",
                         row=line, column=key_near(data.decode("utf-8", "replace").splitlines(),
                                                   line),
                         fix="save the file as UTF-8 and retype the character.") from None
    # Whitespace at the end of a line is invisible in an editor, yet YAML keeps it inside
    # folded and literal blocks: dropping it makes it harmless; line numbers are unchanged.
    lines = [line.rstrip() for line in text.splitlines()]
    try:
        parsed = yaml.load("\n".join(lines) + "\n", Loader=StrictSafeLoader)  # noqa: S506 - safe
    except yaml.MarkedYAMLError as error:
        problem = error.problem or str(error)
        context_line = error.context_mark.line + 1 if error.context_mark is not None else None
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        if error.context and context_line and ("quoted scalar" in error.context
                                               or "flow" in error.context):
            line = context_line  # the unclosed quote or bracket, not where the parser gave up
        where = (f" ({error.context} that starts on line {context_line})"
                 if error.context and context_line and context_line != line else "")
        raise InputError(path, f"YAML error: {problem}{where}.", row=line,
                         column=key_near(lines, line) if line else None,
                         fix=_syntax_fix(problem, error.context, context_line)) from None
    except yaml.YAMLError as error:  # unmarked: still one message
        raise InputError(path, f"YAML error: {error}.", row=1,
                         fix="check the file's syntax against the other YAML files.") from None
    if not isinstance(parsed, dict):
        raise InputError(path, "the top level must be a mapping of keys to values.", row=1,
                         fix="start the file with 'key: value' lines (restore it from git if "
                             "it was emptied).")
    return parsed


def line_of(container, key=None) -> int | None:
    """The line on which ``key`` of a mapping (or item ``key`` of a list) sits, if known;
    the container's own line without a key."""
    lines = getattr(container, "key_lines", None)
    if lines is None:
        return None
    if isinstance(lines, dict):
        return lines.get(key, container.line)
    return lines[key] if isinstance(key, int) and 0 <= key < len(lines) else container.line


def fail(path: Path, container, key, problem: str, fix: str, column: str | None = None
         ) -> InputError:
    """The InputError for ``key`` of ``container`` (a loaded mapping or list): its line."""
    return InputError(path, problem, row=line_of(container, key), fix=fix,
                      column=column or (key if isinstance(key, str) else None))


# ---------------------------------------------------------------- the codebook

@dataclass(frozen=True)
class Codebook:
    """A validated codebook. ``data`` is the parsed YAML; the helpers answer the
    questions the coders and the agreement statistics ask of it."""

    path: Path
    data: dict

    @property
    def version(self) -> str:
        return self.data["version"]

    @property
    def references(self) -> dict:
        return self.data["references"]

    @property
    def dimensions(self) -> list[dict]:
        return list(self.data["dimensions"])

    def dimension(self, dimension_id: str) -> dict:
        for dimension in self.data["dimensions"]:
            if dimension["id"] == dimension_id:
                return dimension
        raise KeyError(f"no dimension {dimension_id!r} in the codebook")

    def code_ids(self, dimension_id: str) -> list[str]:
        """The codes of a dimension, in codebook order."""
        return [code["id"] for code in self.dimension(dimension_id)["codes"]]

    @property
    def move_ids(self) -> list[str]:
        """The accountability moves, in codebook order: the 0/1 columns of every coding."""
        return self.code_ids("accountability_move")

    def ordinal_values(self, dimension_id: str) -> dict[str, int]:
        """Code id -> integer value, for an ordinal dimension (alignment)."""
        return {code["id"]: int(code["value"]) for code in self.dimension(dimension_id)["codes"]}

    def dimensions_coded_by(self, coder: str) -> list[str]:
        return [d["id"] for d in self.data["dimensions"] if coder in d["coded_by"]]


def validate_codebook(data: dict, path: Path | str = CODEBOOK_PATH) -> None:
    """Raise InputError (file, line, key, fix) at the first problem in a parsed codebook:
    its shape (:data:`SCHEMA`), then the rules across fields."""
    path = Path(path)
    check(path, data, SCHEMA)
    references, dimensions = data["references"], data["dimensions"]
    for ref_id in REQUIRED_REFERENCES:
        if ref_id not in references:
            raise fail(path, data, "references", f"the reference list lacks {ref_id!r}, which "
                       "the design requires.", f"add the reference {ref_id!r} (restore it from git).")
    for dimension in dimensions:
        where, coded_by = f"dimension {dimension['id']!r}", dimension["coded_by"]
        for index, ref_id in enumerate(dimension["references"]):
            if ref_id not in references:
                raise fail(path, dimension["references"], index, f"{where} cites {ref_id!r}, which "
                           "is not in 'references'.", f"add {ref_id!r} to the top-level "
                           "'references', or cite one that is there.", "references")
        hand_only = "hand" in coded_by and "rules" not in coded_by
        for problem, fix, key, found in (
                ("a derived dimension is not also coded.", "write coded_by: [derived] alone.",
                 "coded_by", "derived" in coded_by and len(coded_by) > 1),
                ("needs at least two codes.", "list at least two codes, each starting with "
                 "'- id:'.", "codes", len(dimension["codes"]) < 2),
                ("lacks 'derived_from'.", "add 'derived_from:' saying how it is derived.", None,
                 "derived" in coded_by and "derived_from" not in dimension),
                ("lacks 'why_not_coded_by_the_dictionary'.", "add it, saying why only a person "
                 "codes it.", None, hand_only and "why_not_coded_by_the_dictionary" not in dimension)):
            if found:
                raise fail(path, dimension, key, f"{where}: {problem}", fix, key or problem[7:-2])
        if dimension["level_of_measurement"] == "ordinal":
            for code in dimension["codes"]:
                if "value" not in code:
                    raise fail(path, code, None, f"{where}, code {code['id']!r}: an ordinal code "
                               "needs an integer 'value'.", "add 'value:' with a whole number, "
                               "e.g. value: 1.", "value")
            values = [code["value"] for code in dimension["codes"]]
            if values != sorted(set(values)):
                raise fail(path, dimension, "codes", f"{where}: ordinal codes must be listed in "
                           "increasing, distinct 'value' order.", "order the codes by value, "
                           "lowest first, each value once.")
    ids = [dimension["id"] for dimension in dimensions]
    cited = {ref for dimension in dimensions for ref in dimension["references"]}
    if "accountability_move" not in ids:
        raise fail(path, data, "dimensions", "needs the dimension 'accountability_move'.",
                   "restore the dimension accountability_move (from git).")
    if uncited := [ref for ref in REQUIRED_REFERENCES if ref not in cited]:
        raise fail(path, data, "dimensions", f"no dimension cites {uncited}.", "cite each of "
                   "them in the 'references' of the dimension it grounds.", "references")


def load_codebook(path: Path | str = CODEBOOK_PATH) -> Codebook:
    """Load and validate the codebook (InputError on any problem)."""
    path = Path(path)
    data = load_yaml_strictly(path)
    validate_codebook(data, path)
    return Codebook(path=path, data=data)


# ---------------------------------------------------------------- rendering

def _flat(text) -> str:
    return " ".join(str(text or "").split())


def codebook_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """The codebook as a tidy table: one row per code, in codebook order.

    Columns: dimension, code, value (ordinal codes only), label, definition, include,
    exclude, example, counter_example (both constructed), coded_by, references.
    """
    codebook = codebook or load_codebook()
    rows = [{"dimension": dimension["id"], "code": code["id"], "value": code.get("value"),
             **{key: code[key].strip() for key in ("label", "definition", "include", "exclude")},
             **{key: code[key]["text"].strip() + " (constructed)"
                for key in ("example", "counter_example")},
             "coded_by": ", ".join(dimension["coded_by"]),
             "references": "; ".join(codebook.references[r]["short"] for r in dimension["references"])}
            for dimension in codebook.dimensions for code in dimension["codes"]]
    table = pd.DataFrame(rows)
    table["value"] = table["value"].astype("Int64")
    return table


def dimensions_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """One row per dimension: kind, level of measurement, who codes it, the question,
    how the scholarship grounds it, and its references."""
    codebook = codebook or load_codebook()
    return pd.DataFrame([{
        "dimension": d["id"], "label": d["label"], "kind": d["kind"],
        "level_of_measurement": d["level_of_measurement"], "coded_by": ", ".join(d["coded_by"]),
        "n_codes": len(d["codes"]), "question": d["question"].strip(),
        "grounding": d["grounding"].strip(),
        "references": "; ".join(codebook.references[r]["short"] for r in d["references"]),
    } for d in codebook.dimensions])


def references_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """The full references, with the dimensions that cite each."""
    codebook = codebook or load_codebook()
    rows = []
    for ref_id, reference in codebook.references.items():
        citing = [d["id"] for d in codebook.dimensions if ref_id in d["references"]]
        doi = (reference.get("doi") or "").strip()
        rows.append({"reference": reference["short"],
                     "citation": _flat(reference["citation"])
                     + (f" https://doi.org/{doi}" if doi else ""),
                     "cited_by": ", ".join(citing) or (reference.get("used_for") or "").strip()})
    return pd.DataFrame(rows)


def how_to_cite(codebook: Codebook | None = None) -> str:
    """One line to cite the codebook by: its title, version and file."""
    codebook = codebook or load_codebook()
    return (f'"{codebook.data["title"]}", version {codebook.version} '
            f"({paths.relative(codebook.path)}).")


def codes_of(dimension_id: str, codebook: Codebook | None = None) -> pd.DataFrame:
    """The codebook table for one dimension, indexed by code, without the columns that
    repeat the dimension (for display, one dimension at a time)."""
    table = codebook_table(codebook)
    table = table[table["dimension"] == dimension_id].set_index("code")
    return table.drop(columns=["dimension", "coded_by", "references"]
                      + (["value"] if table["value"].isna().all() else []))


def codebook_notes(codebook: Codebook | None = None) -> dict[str, str]:
    """The codebook's prose fields (unit of analysis, how the dictionary was built,
    changes from the design), whitespace-normalised, for rendering."""
    codebook = codebook or load_codebook()
    keys = ("unit_of_analysis", "how_the_dictionary_was_built", "changes_from_the_design")
    return {key: _flat(codebook.data.get(key)) for key in keys}
