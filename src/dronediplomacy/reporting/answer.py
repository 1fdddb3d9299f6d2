"""The answer to "Does the article's contrast hold beyond its own quotations?" (notebook 06 and
the README's findings): ``templates/narrative/beyond.md.j2`` filled from notebook 05's tables in
data/derived/ and the corpus's own tables, counting and choosing words, computing nothing new."""

from pathlib import Path

import numpy as np
import pandas as pd

from dronediplomacy import paths
from dronediplomacy.analysis.summaries import TURKISH_SIDE, code_labels, conflict_short
from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.inputs.tables import load_tables
from dronediplomacy.reporting.narrative import WORDS, environment, label_in_sentence, read_derived

ALPHA = 0.05


def headline_label(headline: str, codebook: Codebook, form: str = "prose") -> str:
    """A headline of notebook 05 ('accountability_move:credit_claiming') named as ``form``
    ('figure' or 'prose') says in templates/narrative/words.yaml (``headlines``)."""
    dimension, code = headline.split(":")
    label = "" if dimension == "alignment" else code_labels(codebook, dimension)[code]  # KeyError: unknown
    label = label_in_sentence(label) if form == "prose" else label
    return WORDS["headlines"][form][dimension].format(label=label)


def tally(family: pd.DataFrame) -> dict:
    """Labels of the headlines with a direction in the article (``directed``), pointing its
    way (``agree``) or not (``against``), its way with an interval excluding 0 (``excluding``),
    below ALPHA after Holm (``holm``), changing sign without one statement or outlet (``fragile``)."""
    directed = family[family["article_direction"] != 0]
    pick = lambda rows: list(rows["label"])  # noqa: E731
    return {"directed": pick(directed), "agree": pick(directed[directed["agrees"]]),
            "against": pick(directed[np.sign(directed["difference"]) == -directed["article_direction"]]),
            "excluding": pick(directed[directed["agrees"] & directed["excludes_zero"]]),
            "holm": pick(family[family["p_holm"] < ALPHA]), "fragile": pick(family[~family["robust"]])}


def facts(derived: Path = paths.DATA_DERIVED, input_dir: Path = paths.DATA_INPUT) -> dict:
    """What the template needs, from the tables in ``derived`` and the corpus's in ``input_dir``.
    InputError (naming notebook 05, which writes them) if a product is missing."""
    tables = load_tables(input_dir)  # validated, as every reader of the inputs
    read = {name: read_derived(name, derived)
            for name in ("inference", "sensitivity", "article_vs_corpus", "corpus_comparison")}
    codebook = load_codebook(input_dir / "codebook.yaml")
    inf = read["inference"].merge(read["sensitivity"], on=["source", "coding", "headline"], how="left")
    inf["label"] = inf["headline"].map(lambda h: headline_label(h, codebook))
    inf["agrees"] = np.sign(inf["difference"]) == inf["article_direction"]
    inf["excludes_zero"] = (inf["ci_low"] > 0) | (inf["ci_high"] < 0)
    inf["robust"] = ((np.sign(inf["drop_statement_min"]) == np.sign(inf["drop_statement_max"]))
                     & (inf["drop_outlet_min"].isna() | (np.sign(inf["drop_outlet_min"])
                                                         == np.sign(inf["drop_outlet_max"]))))
    family = {key: rows.reset_index(drop=True) for key, rows in inf.groupby(["source", "coding"])}
    position = read["article_vs_corpus"]
    higher = family[("article", "hand")].set_index("headline").loc["alignment:mean", ["war_a", "war_b"]]
    position["beyond"] = np.where(position["conflict_id"] == higher["war_a"], position["above"],
                                  position["below"])
    stance = read["corpus_comparison"]
    contests = stance[(stance["source"] == "corpus") & (stance["dimension"] == "stance")
                      & (stance["code"] == "contests") & (stance["count"] > 0)]
    return {"alpha": ALPHA, "article": family[("article", "hand")], "corpus": family[("corpus", "hand")],
            "rules": family[("corpus", "rules")],
            "tally": {key: tally(rows) for key, rows in family.items()},
            "position": position, "contests": contests, "turkish": TURKISH_SIDE,
            "statements": tables.corpus_statements, "actors": tables.actors.set_index("actor_id")["name"],
            "log": tables.corpus_search_log, "exclusions": tables.corpus_exclusions}


def section(derived: Path = paths.DATA_DERIVED, input_dir: Path = paths.DATA_INPUT) -> str:
    """The section as Markdown (a '## ' heading, then paragraphs)."""
    env = environment()
    env.filters.update(short=conflict_short, p=lambda v: "< 0.001" if v < 0.001 else f"= {v:.3f}")
    text = env.get_template("beyond.md.j2").render(**facts(derived, input_dir))
    paragraphs = (p.strip() for p in text.split("\n\n") if p.strip())
    return "\n\n".join(p if p.startswith("- ") else " ".join(p.split()) for p in paragraphs) + "\n"
