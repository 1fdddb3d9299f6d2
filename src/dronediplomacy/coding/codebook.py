"""The codebook (``data/input/codebook.yaml``, the single definition of every code): loaded
strictly (:class:`StrictSafeLoader`), its shape checked against a JSON Schema in ``schemas/``
(:func:`check`), validated, and laid out as tables for notebook 02. Every problem raises
:class:`~dronediplomacy.errors.InputError` naming the file, the line and the key, with the fix.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import fastjsonschema
import pandas as pd
import yaml

from dronediplomacy import paths
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error

CODEBOOK_PATH = paths.DATA_INPUT / "codebook.yaml"
SCHEMAS = Path(__file__).with_name("schemas")


@functools.cache
def _data_file(name: str) -> dict:
    return yaml.safe_load((SCHEMAS / f"{name}.yaml").read_text(encoding="utf-8"))


#: The four works the design names (the schema requires them); each must be cited by a dimension.
REQUIRED_REFERENCES = tuple(_data_file("codebook")["properties"]["references"]["required"])
#: (words in the parser's problem, or "unclosed" for an open quote or bracket) -> the fix.
SYNTAX_FIXES = _data_file("yaml_syntax_fixes")


@functools.cache
def _validator(name: str):  # compiling takes ~10 ms, validating well under 1 ms
    return fastjsonschema.compile(_data_file(name), use_default=False)  # data stays as read


def _valid(schema: dict, value) -> bool:
    try:
        fastjsonschema.validate(schema, value)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def _describe(value) -> str:
    kinds = {bool: "the YAML boolean", int: "the number", float: "the number", str: "the text",
             type(None): "an empty value", dict: "a mapping", list: "a list"}
    kind = next((kinds[type_] for type_ in kinds if isinstance(value, type_)), "the value")
    return f"{kind} {value!r}"[:80]


def _problem(path: Path, data: dict, error: fastjsonschema.JsonSchemaValueException) -> InputError:
    """One schema error as InputError: the value's key path (a list item by its id, else its
    number), its line, and the column (the keys below the nearest list item)."""
    where, column, container, key, value = "", "", None, None, data
    for key in error.path[1:]:  # "data", then keys and list indices, as text
        key = int(key) if isinstance(value, list) else key
        container, value = value, value[key]
        if isinstance(key, int):
            where += f"[{value.get('id', key + 1) if isinstance(value, dict) else key + 1}]"
            column = "" if isinstance(value, dict) else column
        else:
            where, column = f"{where}.{key}".lstrip("."), f"{column}.{key}".lstrip(".")
    schema, name = error.definition, where or "the file"
    if error.rule == "required":
        missing = next(k for k in schema["required"] if k not in value)
        fix = schema.get("fix", "add '{key}:' with its value.").format(key=missing)
        return fail(path, value, None, f"{name} lacks {missing!r}.", fix, f"{column}.{missing}".lstrip("."))
    if error.rule == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        unknown = next(k for k in value if k not in known)
        note = f"; {schema['note']}." if "note" in schema else "."
        return fail(path, value, unknown, f"{name}: unknown key {unknown!r}{note}",
                    f"remove it, or fix its name (allowed: {', '.join(known)}).",
                    f"{column}.{unknown}".lstrip("."))
    if error.rule == "propertyNames":  # a key, not a value, is wrong
        schema = schema["propertyNames"]
        container, key = value, next(k for k in value if not _valid(schema, k))
        value, name, column = key, f"{where}.{key}".lstrip("."), f"{column}.{key}".lstrip(".")
    typed = str(value).lower() if isinstance(value, bool) else str(value)
    fix = schema.get("fix", f"write {schema['description']}.")
    if isinstance(value, (bool, int, float)) and _valid(schema, typed):
        fix = f'write the value in quotes: "{typed}".'  # right as text: quote it
    return fail(path, container, key, f"{name} must be {schema['description']}, not {_describe(value)}.",
                fix, column)


def check(path: Path, data: dict, schema: str) -> None:
    """InputError (file, line, key, fix) at the first place where ``data`` (from
    :func:`load_yaml_strictly`) departs from the JSON Schema ``schemas/{schema}.yaml`` (draft 7,
    checked by fastjsonschema); a schema's ``description`` says what a value must be, its
    optional ``fix`` what to write."""
    try:
        _validator(schema)(data)
    except fastjsonschema.JsonSchemaValueException as error:
        raise _problem(path, data, error) from None


# ---------------------------------------------------------------- strict YAML

class _Lined(dict):  # with .line (its own, 1-based) and .key_lines (key -> line)
    pass


class _LinedList(list):  # with .line and .key_lines (item index -> line)
    pass


class StrictSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that rejects duplicate keys (safe_load keeps the last silently),
    keeps every key's line, and resolves plain scalars by YAML 1.2's core schema, so ``no`` or
    ``2019-03-01`` stay the text typed (YAML 1.1 would read a boolean and a date)."""

    yaml_implicit_resolvers: dict = {}


for _tag, _rule in _data_file("yaml_core_schema").items():  # YAML 1.2 core schema, 10.3.2
    StrictSafeLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}",
                                           re.compile(f"^(?:{_rule['pattern']})$"), _rule["first"])


def _construct_mapping(loader: StrictSafeLoader, node: yaml.MappingNode) -> _Lined:
    loader.flatten_mapping(node)
    mapping = _Lined()
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
    sequence.key_lines = {index: child.start_mark.line + 1 for index, child in enumerate(node.value)}
    return sequence


StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_KEY_LINE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:(?:\s|$)")


def key_near(lines: list[str], line: int) -> str | None:
    """The key written on ``line`` (1-based) or, failing that, the nearest one above it."""
    matches = (_KEY_LINE.match(lines[n - 1]) for n in range(min(line, len(lines)), 0, -1))
    return next((match.group(1) for match in matches if match), None)


def load_yaml_strictly(path: Path | str) -> dict:
    """Parse a YAML file whose top level is a mapping with :class:`StrictSafeLoader`. InputError
    (file, line, key, fix) for a missing file, bad UTF-8, a syntax error, a duplicate key, or a
    top level that is not a mapping."""
    path = Path(path)
    if not path.is_file():
        raise input_error("yaml file not found", path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise input_error("yaml not utf8", path, row=line, byte=data[error.start:error.start + 1],
                          column=key_near(data.decode("utf-8", "replace").splitlines(), line)) from None
    # Spaces ending a line are invisible in an editor, yet YAML keeps them inside folded
    # and literal blocks: dropping them makes them harmless; line numbers are unchanged.
    lines = [line.rstrip() for line in text.splitlines()]
    try:
        parsed = yaml.load("\n".join(lines) + "\n", Loader=StrictSafeLoader)  # noqa: S506 - safe
    except yaml.MarkedYAMLError as error:
        problem, context = error.problem or str(error), error.context or ""
        opened = error.context_mark.line + 1 if error.context_mark is not None else None
        unclosed = opened and ("quoted scalar" in context or "flow" in context)
        # an unclosed quote or bracket is named where it opens, not where the parser gave up
        mark = error.context_mark if unclosed else error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        fix = next(fix for words, fix in SYNTAX_FIXES.items() if words == "unclosed" and unclosed
                   or words != "unclosed" and words in problem)
        where = f" ({context} that starts on line {opened})" if context and opened and opened != line else ""
        raise InputError(path, f"YAML error: {problem}{where}.", row=line,
                         column=key_near(lines, line) if line else None,
                         fix=fix.format("quotation mark" if "quoted" in context else "bracket",
                                        opened)) from None
    except yaml.YAMLError as error:  # unmarked: still one message
        raise input_error("yaml error", path, row=1, error=error) from None
    if not isinstance(parsed, dict):
        raise input_error("yaml not a mapping", path, row=1)
    return parsed


def line_of(container, key=None) -> int | None:
    """The line of ``key`` in a loaded mapping (or of item ``key`` of a list), if known; the
    container's own line without a key."""
    lines = getattr(container, "key_lines", None)
    return None if lines is None else lines.get(key, container.line)


def fail(path: Path, container, key, problem: str, fix: str, column: str | None = None) -> InputError:
    """The InputError for ``key`` of ``container`` (a loaded mapping or list), at its line."""
    return InputError(path, problem, row=line_of(container, key), fix=fix,
                      column=column or (key if isinstance(key, str) else None))


# ---------------------------------------------------------------- the codebook

@dataclass(frozen=True)
class Codebook:
    """A validated codebook; ``data`` is the parsed YAML."""

    path: Path
    data: dict

    version = property(lambda self: self.data["version"])
    references = property(lambda self: self.data["references"])
    dimensions = property(lambda self: list(self.data["dimensions"]))

    def dimension(self, dimension_id: str) -> dict:
        """The dimension with this id; KeyError if the codebook has none."""
        return {d["id"]: d for d in self.data["dimensions"]}[dimension_id]

    def code_ids(self, dimension_id: str) -> list[str]:
        return [code["id"] for code in self.dimension(dimension_id)["codes"]]

    @property
    def move_ids(self) -> list[str]:
        """The accountability moves, in codebook order: the 0/1 columns of every coding."""
        return self.code_ids("accountability_move")

    def ordinal_values(self, dimension_id: str) -> dict[str, int]:
        """Code id -> integer value, for an ordinal dimension (alignment)."""
        return {code["id"]: int(code["value"]) for code in self.dimension(dimension_id)["codes"]}

    def dimensions_coded_by(self, coder: str) -> list[str]:
        return [d["id"] for d in self.dimensions if coder in d["coded_by"]]


def validate_codebook(data: dict, path: Path | str = CODEBOOK_PATH) -> None:
    """InputError (file, line, key, fix) at the first problem of a parsed codebook: its shape
    (``schemas/codebook.yaml``), then the rules across fields."""
    path = Path(path)
    check(path, data, "codebook")
    references, dimensions = data["references"], data["dimensions"]
    for where, items in [("dimensions", dimensions),
                         *((f"dimension {d['id']!r}", d["codes"]) for d in dimensions)]:
        ids = [item["id"] for item in items]
        if twice := next((index for index, id_ in enumerate(ids) if id_ in ids[:index]), None):
            raise input_error("id twice", path, row=line_of(items, twice), column="id", where=where,
                              id=ids[twice])
    for dimension in dimensions:
        where = f"dimension {dimension['id']!r}"
        for index, ref_id in enumerate(dimension["references"]):
            if ref_id not in references:
                raise input_error("reference unknown", path, row=line_of(dimension["references"], index),
                                  column="references", where=where, id=ref_id)
        values = [code.get("value") for code in dimension["codes"]]
        if dimension["level_of_measurement"] == "ordinal" and values != sorted(set(values)):
            raise input_error("ordinal order", path, row=line_of(dimension, "codes"), column="codes",
                              where=where)
    if "accountability_move" not in [dimension["id"] for dimension in dimensions]:
        raise input_error("move dimension missing", path, row=line_of(data, "dimensions"),
                          column="dimensions")
    cited = {ref for dimension in dimensions for ref in dimension["references"]}
    if uncited := [ref for ref in REQUIRED_REFERENCES if ref not in cited]:
        raise input_error("reference uncited", path, row=line_of(data, "dimensions"),
                          column="references", uncited=uncited)


def load_codebook(path: Path | str = CODEBOOK_PATH) -> Codebook:
    """Load and validate the codebook (InputError on any problem)."""
    data = load_yaml_strictly(path)
    validate_codebook(data, path)
    return Codebook(path=Path(path), data=data)


# ---------------------------------------------------------------- tables for notebook 02

def _flat(text) -> str:
    return " ".join(str(text or "").split())


def _shorts(codebook: Codebook, dimension: dict) -> str:
    return "; ".join(codebook.references[r]["short"] for r in dimension["references"])


def codebook_table(codebook: Codebook) -> pd.DataFrame:
    """One row per code, in codebook order. Columns: dimension, code, value (ordinal codes
    only), label, definition, include, exclude, example, counter_example (both constructed),
    coded_by, references."""
    table = pd.DataFrame([
        {"dimension": dimension["id"], "code": code["id"], "value": code.get("value"),
         **{key: code[key].strip() for key in ("label", "definition", "include", "exclude")},
         **{key: code[key]["text"].strip() + " (constructed)" for key in ("example", "counter_example")},
         "coded_by": ", ".join(dimension["coded_by"]), "references": _shorts(codebook, dimension)}
        for dimension in codebook.dimensions for code in dimension["codes"]])
    return table.astype({"value": "Int64"})


def dimensions_table(codebook: Codebook) -> pd.DataFrame:
    """One row per dimension: label, kind, level of measurement, coded_by, n_codes, question,
    grounding, references."""
    return pd.DataFrame([{
        "dimension": d["id"], "label": d["label"], "kind": d["kind"],
        "level_of_measurement": d["level_of_measurement"], "coded_by": ", ".join(d["coded_by"]),
        "n_codes": len(d["codes"]), "question": d["question"].strip(),
        "grounding": d["grounding"].strip(), "references": _shorts(codebook, d),
    } for d in codebook.dimensions])


def references_table(codebook: Codebook) -> pd.DataFrame:
    """One row per reference: short name, full citation (with its DOI link), cited_by (the
    dimensions citing it, else its 'used_for')."""
    return pd.DataFrame([{
        "reference": ref["short"], "citation": _flat(ref["citation"])
        + (f" https://doi.org/{ref['doi'].strip()}" if (ref.get("doi") or "").strip() else ""),
        "cited_by": ", ".join(d["id"] for d in codebook.dimensions if ref_id in d["references"])
        or (ref.get("used_for") or "").strip(),
    } for ref_id, ref in codebook.references.items()])


def how_to_cite(codebook: Codebook) -> str:
    """One line to cite the codebook by: its title, version and file."""
    return f'"{codebook.data["title"]}", version {codebook.version} ({paths.relative(codebook.path)}).'


def codes_of(dimension_id: str, codebook: Codebook) -> pd.DataFrame:
    """:func:`codebook_table` for one dimension, indexed by code, without the columns that
    repeat the dimension (and without value if it has none)."""
    table = codebook_table(codebook)
    table = table[table["dimension"] == dimension_id].set_index("code")
    return table.drop(columns=["dimension", "coded_by", "references"]
                      + (["value"] if table["value"].isna().all() else []))


def codebook_notes(codebook: Codebook) -> dict[str, str]:
    """The codebook's prose fields, whitespace-normalised: unit of analysis, how the
    dictionary was built, changes from the design."""
    keys = ("unit_of_analysis", "how_the_dictionary_was_built", "changes_from_the_design")
    return {key: _flat(codebook.data.get(key)) for key in keys}
