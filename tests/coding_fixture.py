"""A tiny codebook, dictionary and hand coding (constructed, attributed to nobody), written
to a folder: the coding stage's tests run on these, never on the project's data."""

from __future__ import annotations

from pathlib import Path

import yaml

REFERENCES = ("weaver1986", "hood2011", "semetko2000", "entman1993")


def _code(code_id: str, value: int | None = None) -> dict:
    code = {"id": code_id, "label": code_id.replace("_", " "),
            "definition": f"The statement shows {code_id}.", "include": "When it is said.",
            "exclude": "When it is not said.",
            "example": {"text": f"An example of {code_id}.", "constructed": True},
            "counter_example": {"text": "Nothing of the kind.", "constructed": True}}
    return code if value is None else {**code, "value": value}


def _dimension(dim_id, kind, level, coded_by, codes, references, **extra) -> dict:
    return {"id": dim_id, "label": dim_id, "kind": kind, "level_of_measurement": level,
            "coded_by": coded_by, "question": "What does it say?", "grounding": "Constructed.",
            "references": references, **extra, "codes": codes}


def codebook(version: str = "1.0.0") -> dict:
    return {
        "version": version, "title": "Tiny codebook", "unit_of_analysis": "One statement.",
        "how_the_dictionary_was_built": "From the definitions.",
        "references": {r: {"short": r, "citation": f"Constructed reference {r}."} for r in REFERENCES},
        "dimensions": [
            _dimension("accountability_move", "multi_label", "nominal", ["hand", "rules"],
                       [_code("credit_claiming"), _code("private_agency"),
                        _code("bloc_threat_perception")], ["weaver1986", "hood2011"]),
            _dimension("named_agent", "single", "nominal", ["hand", "rules"],
                       [_code("turkish_state"), _code("turkish_company"), _code("unspecified")],
                       ["semetko2000"]),
            _dimension("alignment", "single", "ordinal", ["hand", "rules"],
                       [_code("dissociation", -1), _code("no_alignment", 0), _code("support", 1)],
                       ["entman1993"]),
            _dimension("speaker_side", "single", "nominal", ["derived"],
                       [_code("turkey"), _code("third_party")], ["hood2011"],
                       derived_from="The speaker's country."),
            _dimension("stance", "single", "nominal", ["hand"], [_code("contests"), _code("none")],
                       ["entman1993"], why_not_coded_by_the_dictionary="It needs the answered text."),
        ]}


PATTERNS = """\
version: "1.0.0"
codebook_version: "1.0.0"
negation:
  window_tokens: 3
  negators:
    - 'not(?!\\s+only\\b)'
    - 'no'
    - '\\w+n''t'
accountability_move:
  credit_claiming:
    patterns:
      - '\\bour\\W+(?:\\w+\\W+){0,2}?victory\\b'
      - '\\bthanks to us\\b'
  private_agency:
    patterns:
      - '\\bprivate (?:company|firm)\\b'
    rejection_patterns:
      - '\\brejected\\b'
  bloc_threat_perception:
    patterns:
      - '\\b(?:hostile )?bloc\\b'
named_agent:
  default: unspecified
  rules:
    - code: turkish_company
      patterns:
        - '\\bprivate (?:company|firm)\\b'
    - code: turkish_state
      patterns:
        - '\\b(?:turkey|türkiye|ankara)\\b'
      context_patterns:
        - '\\bdrones?\\b'
alignment:
  default: no_alignment
  rules:
    - code: dissociation
      patterns:
        - '\\bprivate (?:company|firm)\\b'
    - code: support
      patterns:
        - '\\bsupport(?:s|ed)?\\b'
"""

HAND_CODING = """\
statement_id,dimension,code,rationale,codebook_version
s1,accountability_move,credit_claiming,"Claims the victory.",1.0.0
s1,named_agent,unspecified,"Names no agent.",1.0.0
s1,alignment,support,"Backs the war.",1.0.0
s1,stance,none,"Takes no position.",1.0.0
s2,accountability_move,private_agency,"A firm sold it.",1.0.0
s2,named_agent,turkish_company,"The firm is the seller.",1.0.0
s2,alignment,dissociation,"The state stands apart.",1.0.0
s2,stance,contests,"Answers a claim.",1.0.0
"""


def write(folder: Path, version: str = "1.0.0") -> dict[str, Path]:
    """codebook.yaml, coder_patterns.yaml and hand_coding.csv in ``folder``, by name."""
    files = {"codebook": folder / "codebook.yaml", "patterns": folder / "coder_patterns.yaml",
             "hand_coding": folder / "hand_coding.csv"}
    files["codebook"].write_text(yaml.safe_dump(codebook(version), sort_keys=False),
                                 encoding="utf-8")
    files["patterns"].write_text(PATTERNS.replace('codebook_version: "1.0.0"',
                                                  f'codebook_version: "{version}"'), encoding="utf-8")
    files["hand_coding"].write_text(HAND_CODING.replace(",1.0.0", f",{version}"), encoding="utf-8")
    return files
