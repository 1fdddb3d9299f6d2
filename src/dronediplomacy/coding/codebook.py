"""The codebook: load it strictly, validate it, and lay it out as a table.

``data/input/codebook.yaml`` is the single definition of every code. It is read with
a safe YAML loader that also rejects duplicate keys (plain ``yaml.safe_load`` keeps
the last value silently, which would let a pasted definition overwrite another).
Every problem is raised as :class:`~dronediplomacy.errors.InputError` naming the
file, the line and the key.
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

#: Fields every code must have, in the order the rendered table shows them.
CODE_FIELDS = ("id", "label", "definition", "include", "exclude", "example", "counter_example")
#: Fields every dimension must have.
DIMENSION_FIELDS = ("id", "label", "kind", "level_of_measurement", "coded_by", "question",
                    "grounding", "references", "codes")
#: The four works the design names; each must be in the reference list and cited by a dimension.
REQUIRED_REFERENCES = ("weaver1986", "hood2011", "semetko2000", "entman1993")
KINDS = ("multi_label", "single")
LEVELS = ("nominal", "ordinal")
CODERS = ("hand", "rules", "derived")
#: Keys that would attribute a constructed example to someone; examples are nobody's words.
ATTRIBUTION_KEYS = ("speaker", "actor", "actor_id", "source", "attribution", "said_by")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")


# --------------------------------------------------------------------------- strict YAML

class _LinedDict(dict):
    """A mapping that remembers the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict


class _LinedList(list):
    """A sequence that remembers the line of each of its items (1-based)."""

    line: int = 0
    item_lines: list


class StrictSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that rejects duplicate keys and records line numbers."""


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping; carries the key and the line of its first use."""

    def __init__(self, key, first_line: int, mark) -> None:
        super().__init__(None, None, f"duplicate key {key!r} (first on line {first_line})", mark)
        self.key = key
        self.first_line = first_line


def _construct_mapping(loader: StrictSafeLoader, node: yaml.MappingNode) -> _LinedDict:
    loader.flatten_mapping(node)
    mapping = _LinedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise _DuplicateKey(key, mapping.key_lines[key], key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: StrictSafeLoader, node: yaml.SequenceNode) -> _LinedList:
    sequence = _LinedList(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:(?:\s|$)")


def key_near(lines: list[str], line: int) -> str | None:
    """The key written on ``line`` (1-based) or, failing that, the nearest one above it:
    the key a person editing that line is working on."""
    for number in range(min(line, len(lines)), 0, -1):
        match = _KEY_LINE.match(lines[number - 1])
        if match:
            return match.group(1)
    return None


def _syntax_fix(problem: str, context: str | None, context_line: int | None) -> str:
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
    """Parse a YAML file whose top level is a mapping; reject duplicate keys.

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
        lines = data.decode("utf-8", errors="replace").splitlines()
        raise InputError(path, f"byte {data[error.start:error.start + 1]!r} is not UTF-8.",
                         row=line, column=key_near(lines, line),
                         fix="save the file as UTF-8 and retype the character.") from None
    # Whitespace at the end of a line is invisible in an editor, yet YAML keeps it inside
    # folded and literal blocks ("one  two  "). Dropping it (outside any quotes, since a
    # quoted value ends with its quote) makes it harmless; line numbers are unchanged.
    lines = [line.rstrip() for line in text.splitlines()]
    text = "\n".join(lines) + "\n"
    try:
        parsed = yaml.load(text, Loader=StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as error:
        line = error.problem_mark.line + 1
        raise InputError(path, f"YAML error: {error.problem}.", row=line, column=str(error.key),
                         fix=f"keep one of the two (lines {error.first_line} and {line}), or merge "
                             "them.") from None
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
    """The line on which ``key`` of a mapping (or item ``key`` of a list) sits, if known."""
    if isinstance(container, _LinedDict):
        return container.key_lines.get(key, container.line) if key is not None else container.line
    if isinstance(container, _LinedList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None


# --------------------------------------------------------------------------- the codebook

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


def _require_text(path, container, key, where: str) -> str:
    value = container.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"{where} needs a non-empty text {key!r}.",
                         row=line_of(container, key if key in container else None), column=key,
                         fix=f"add '{key}:' followed by its text (quote it if it contains ': ').")
    return value


def _validate_example(path, code: dict, key: str, where: str) -> None:
    example = code.get(key)
    if not isinstance(example, dict):
        raise InputError(path, f"{where} needs {key!r} as a mapping with 'text' and "
                               "'constructed: true'.", row=line_of(code, key), column=key,
                         fix=f"write '{key}:' with the indented keys 'text:' and "
                             "'constructed: true' below it.")
    _require_text(path, example, "text", f"{where}, {key}")
    if example.get("constructed") is not True:
        raise InputError(path, f"{where}, {key}: examples must be constructed sentences marked "
                               "'constructed: true'.", row=line_of(example, "constructed"),
                         column=f"{key}.constructed",
                         fix="write an invented sentence and mark it constructed.")
    for attribution in ATTRIBUTION_KEYS:
        if attribution in example:
            raise InputError(path, f"{where}, {key}: a constructed example is attributed to "
                                   f"nobody, so it may not have {attribution!r}.",
                             row=line_of(example, attribution), column=f"{key}.{attribution}",
                             fix=f"remove '{attribution}:'.")
    unknown = set(example) - {"text", "constructed"}
    if unknown:
        raise InputError(path, f"{where}, {key}: unknown keys {sorted(unknown)}.",
                         row=line_of(example), column=key,
                         fix="keep only 'text' and 'constructed'.")


def validate_codebook(data: dict, path: Path | str = CODEBOOK_PATH) -> None:
    """Raise InputError (file, line, key, fix) at the first problem in a parsed codebook."""
    path = Path(path)
    version = data.get("version")
    if not isinstance(version, str) or not VERSION_PATTERN.match(version):
        raise InputError(path, "needs 'version' as a quoted semantic version like \"1.0.0\".",
                         row=line_of(data, "version" if "version" in data else None),
                         column="version", fix='write version: "1.0.0" (with the quotes).')
    for key in ("title", "unit_of_analysis", "how_the_dictionary_was_built"):
        _require_text(path, data, key, "the codebook")

    references = data.get("references")
    if not isinstance(references, dict) or not references:
        raise InputError(path, "needs a 'references' mapping.", row=line_of(data, "references"),
                         column="references",
                         fix="list the works cited, each as 'id:' with 'short:' and 'citation:'.")
    for ref_id, reference in references.items():
        if not isinstance(reference, dict):
            raise InputError(path, f"reference {ref_id!r} must be a mapping.",
                             row=line_of(references, ref_id), column=f"references.{ref_id}",
                             fix="give it the indented keys 'short:' and 'citation:'.")
        _require_text(path, reference, "short", f"reference {ref_id!r}")
        _require_text(path, reference, "citation", f"reference {ref_id!r}")
    for ref_id in REQUIRED_REFERENCES:
        if ref_id not in references:
            raise InputError(path, f"the reference list lacks {ref_id!r}, which the design requires.",
                             row=line_of(data, "references"), column="references",
                             fix=f"add the reference {ref_id!r} (restore it from git).")

    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        raise InputError(path, "needs a 'dimensions' list.", row=line_of(data, "dimensions"),
                         column="dimensions",
                         fix="list the dimensions under 'dimensions:', each starting with '- id:'.")
    seen_dimensions: set[str] = set()
    cited: set[str] = set()
    for index, dimension in enumerate(dimensions):
        if not isinstance(dimension, dict):
            raise InputError(path, f"dimension {index + 1} must be a mapping.",
                             row=line_of(dimensions, index), column="dimensions",
                             fix="start the dimension with '- id:' and indent its keys below it.")
        for key in DIMENSION_FIELDS:
            if key not in dimension:
                raise InputError(path, f"dimension {dimension.get('id', index + 1)!r} lacks {key!r}.",
                                 row=line_of(dimension), column=key,
                                 fix=f"add '{key}:' (every dimension has "
                                     f"{', '.join(DIMENSION_FIELDS)}).")
        dim_id = dimension["id"]
        where = f"dimension {dim_id!r}"
        if not isinstance(dim_id, str) or not ID_PATTERN.match(dim_id):
            raise InputError(path, f"{where}: ids are lower_snake_case.", row=line_of(dimension, "id"),
                             column="id", fix="write the id in lower_snake_case, e.g. named_agent.")
        if dim_id in seen_dimensions:
            raise InputError(path, f"{where} is defined twice.", row=line_of(dimension, "id"),
                             column="id", fix="remove one of the two, or rename it.")
        seen_dimensions.add(dim_id)
        for key in ("label", "question", "grounding"):
            _require_text(path, dimension, key, where)
        if dimension["kind"] not in KINDS:
            raise InputError(path, f"{where}: kind must be one of {KINDS}.",
                             row=line_of(dimension, "kind"), column="kind",
                             fix=f"write one of: {', '.join(KINDS)}.")
        if dimension["level_of_measurement"] not in LEVELS:
            raise InputError(path, f"{where}: level_of_measurement must be one of {LEVELS}.",
                             row=line_of(dimension, "level_of_measurement"),
                             column="level_of_measurement", fix=f"write one of: {', '.join(LEVELS)}.")
        coded_by = dimension["coded_by"]
        if not isinstance(coded_by, list) or not coded_by or set(coded_by) - set(CODERS):
            raise InputError(path, f"{where}: coded_by must list some of {CODERS}.",
                             row=line_of(dimension, "coded_by"), column="coded_by",
                             fix="write a list such as [hand, rules].")
        if "derived" in coded_by:
            if len(coded_by) > 1:
                raise InputError(path, f"{where}: a derived dimension is not also coded.",
                                 row=line_of(dimension, "coded_by"), column="coded_by",
                                 fix="write coded_by: [derived] alone.")
            _require_text(path, dimension, "derived_from", where)
        if "hand" in coded_by and "rules" not in coded_by:
            _require_text(path, dimension, "why_not_coded_by_the_dictionary", where)
        dim_refs = dimension["references"]
        if not isinstance(dim_refs, list) or not dim_refs:
            raise InputError(path, f"{where}: cite the scholarship it rests on in 'references'.",
                             row=line_of(dimension, "references"), column="references",
                             fix="write a list of reference ids, e.g. [hood2011].")
        for ref_index, ref_id in enumerate(dim_refs):
            if ref_id not in references:
                raise InputError(path, f"{where} cites {ref_id!r}, which is not in 'references'.",
                                 row=line_of(dim_refs, ref_index), column="references",
                                 fix=f"add {ref_id!r} to the top-level 'references', or cite one "
                                     "that is there.")
        cited.update(dim_refs)

        codes = dimension["codes"]
        if not isinstance(codes, list) or len(codes) < 2:
            raise InputError(path, f"{where} needs at least two codes.",
                             row=line_of(dimension, "codes"), column="codes",
                             fix="list at least two codes, each starting with '- id:'.")
        seen_codes: set[str] = set()
        for code_index, code in enumerate(codes):
            if not isinstance(code, dict):
                raise InputError(path, f"{where}: code {code_index + 1} must be a mapping.",
                                 row=line_of(codes, code_index), column="codes",
                                 fix="start the code with '- id:' and indent its keys below it.")
            code_id = code.get("id")
            code_where = f"{where}, code {code_id or code_index + 1!r}"
            if not isinstance(code_id, str) or not ID_PATTERN.match(code_id):
                raise InputError(path, f"{code_where}: ids are lower_snake_case.",
                                 row=line_of(code, "id" if "id" in code else None), column="id",
                                 fix="write the id in lower_snake_case, e.g. credit_claiming.")
            if code_id in seen_codes:
                raise InputError(path, f"{code_where} is defined twice in {dim_id!r}.",
                                 row=line_of(code, "id"), column="id",
                                 fix="remove one of the two, or rename it.")
            seen_codes.add(code_id)
            for key in ("label", "definition", "include", "exclude"):
                _require_text(path, code, key, code_where)
            _validate_example(path, code, "example", code_where)
            _validate_example(path, code, "counter_example", code_where)
            if dimension["level_of_measurement"] == "ordinal":
                if not isinstance(code.get("value"), int) or isinstance(code.get("value"), bool):
                    raise InputError(path, f"{code_where}: an ordinal code needs an integer 'value'.",
                                     row=line_of(code), column="value",
                                     fix="add 'value:' with a whole number, e.g. value: 1.")
        if dimension["level_of_measurement"] == "ordinal":
            values = [code["value"] for code in codes]
            if values != sorted(values) or len(set(values)) != len(values):
                raise InputError(path, f"{where}: ordinal codes must be listed in increasing, "
                                       "distinct 'value' order.", row=line_of(dimension, "codes"),
                                 column="codes",
                                 fix="order the codes by value, lowest first, each value once.")
    if "accountability_move" not in seen_dimensions:
        raise InputError(path, "needs the dimension 'accountability_move'.",
                         row=line_of(data, "dimensions"), column="dimensions",
                         fix="restore the dimension accountability_move (from git).")
    uncited = [ref for ref in REQUIRED_REFERENCES if ref not in cited]
    if uncited:
        raise InputError(path, f"no dimension cites {uncited}.", row=line_of(data, "dimensions"),
                         column="references",
                         fix="cite each of them in the 'references' of the dimension it grounds.")


def load_codebook(path: Path | str = CODEBOOK_PATH) -> Codebook:
    """Load and validate the codebook (InputError on any problem)."""
    path = Path(path)
    data = load_yaml_strictly(path)
    validate_codebook(data, path)
    return Codebook(path=path, data=data)


# --------------------------------------------------------------------------- rendering

def codebook_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """The codebook as a tidy table: one row per code, in codebook order.

    Columns: dimension, code, value (ordinal codes only), label, definition, include,
    exclude, example, counter_example (both constructed), coded_by, references.
    """
    codebook = codebook or load_codebook()
    rows = []
    for dimension in codebook.dimensions:
        refs = "; ".join(codebook.references[r]["short"] for r in dimension["references"])
        for code in dimension["codes"]:
            rows.append({
                "dimension": dimension["id"],
                "code": code["id"],
                "value": code.get("value"),
                "label": code["label"].strip(),
                "definition": code["definition"].strip(),
                "include": code["include"].strip(),
                "exclude": code["exclude"].strip(),
                "example": code["example"]["text"].strip() + " (constructed)",
                "counter_example": code["counter_example"]["text"].strip() + " (constructed)",
                "coded_by": ", ".join(dimension["coded_by"]),
                "references": refs,
            })
    table = pd.DataFrame(rows)
    table["value"] = table["value"].astype("Int64")
    return table


def dimensions_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """One row per dimension: kind, level of measurement, who codes it, the question,
    how the scholarship grounds it, and its references."""
    codebook = codebook or load_codebook()
    rows = []
    for dimension in codebook.dimensions:
        rows.append({
            "dimension": dimension["id"],
            "label": dimension["label"],
            "kind": dimension["kind"],
            "level_of_measurement": dimension["level_of_measurement"],
            "coded_by": ", ".join(dimension["coded_by"]),
            "n_codes": len(dimension["codes"]),
            "question": dimension["question"].strip(),
            "grounding": dimension["grounding"].strip(),
            "references": "; ".join(codebook.references[r]["short"] for r in dimension["references"]),
        })
    return pd.DataFrame(rows)


def references_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """The full references, with the dimensions that cite each."""
    codebook = codebook or load_codebook()
    rows = []
    for ref_id, reference in codebook.references.items():
        citing = [d["id"] for d in codebook.dimensions if ref_id in d["references"]]
        doi = (reference.get("doi") or "").strip()
        rows.append({
            "reference": reference["short"],
            "citation": " ".join(reference["citation"].split())
                        + (f" https://doi.org/{doi}" if doi else ""),
            "cited_by": ", ".join(citing) if citing else (reference.get("used_for") or "").strip(),
        })
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
    drop = ["dimension", "coded_by", "references"]
    if table["value"].isna().all():
        drop.append("value")
    return table.drop(columns=drop)


def codebook_notes(codebook: Codebook | None = None) -> dict[str, str]:
    """The codebook's prose fields (unit of analysis, how the dictionary was built,
    changes from the design), whitespace-normalised, for rendering."""
    codebook = codebook or load_codebook()
    keys = ("unit_of_analysis", "how_the_dictionary_was_built", "changes_from_the_design")
    return {key: " ".join(str(codebook.data.get(key, "")).split()) for key in keys}
