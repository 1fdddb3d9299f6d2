"""The rule coder at scale: SYNTHETIC statements, 1k to 1M rows, one core.

The statements are synthetic (not from any source): each is a run of words drawn, with a
seeded random generator, from the vocabulary of ``data/input/codebook.yaml`` (its
definitions, inclusion and exclusion rules, examples and labels, so the words the
dictionary's patterns look for occur at their codebook frequency), with clause
punctuation sprinkled in. Ids are ``synthetic-0000001`` and so on. Nearly every text is
distinct, so the coder's "code each distinct text once" shortcut does not help.

Each size runs in a fresh interpreter (``--worker N``), pinned to one core
(``os.sched_setaffinity``), so sizes do not share caches or memory. The worker reports:

- ``seconds``: wall time of ``code_statements(frame)`` alone (generation excluded), the
  best of ``--repeats`` calls for the small sizes, one call for 1M;
- ``peak_rss_mb``: the worker process's peak resident set size
  (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) at the end: interpreter, pandas, the
  generated frame and the coder together. ``base_rss_mb`` is the same reading taken
  just before the first coder call (so the coder's own share is the difference).

Run alone: ``.venv/bin/python benchmarks/coder_scale.py [--sizes 1000,10000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000, 1_000_000)
SEED = 20240611
WORDS_PER_STATEMENT = (8, 45)  # uniform range, like the article's statements and paraphrases


def codebook_vocabulary() -> list[str]:
    """Every word of the codebook's prose fields, lower-cased, in reading order (with
    repeats: drawing from this list draws words at their codebook frequency)."""
    sys.path.insert(0, str(ROOT / "src"))
    from dronediplomacy.coding.codebook import load_codebook

    book = load_codebook()
    texts: list[str] = []

    def collect(value) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for dimension in book.dimensions:
        for code in dimension["codes"]:
            for key in ("label", "definition", "include", "exclude", "example",
                        "counter_example"):
                collect(code.get(key))
        collect(dimension.get("question"))
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", " ".join(texts).lower())
    return words


def synthetic_statements(n: int, seed: int = SEED, chunk: int = 50_000):
    """A frame of ``n`` SYNTHETIC statements (columns id, conflict, speaker, text).

    Made in chunks, so the generator's own scratch memory stays small next to the frame.
    """
    import numpy as np
    import pandas as pd

    vocabulary = np.array(codebook_vocabulary(), dtype=object)
    # Clause punctuation after about one word in eight (it bounds the negation scope).
    marks = np.array(["", "", "", "", "", "", "", "", "", "", "", "", "", ",", ";", "."],
                     dtype=object)
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    for first in range(0, n, chunk):
        size = min(chunk, n - first)
        lengths = rng.integers(WORDS_PER_STATEMENT[0], WORDS_PER_STATEMENT[1] + 1, size=size)
        words = vocabulary[rng.integers(0, len(vocabulary), size=int(lengths.sum()))]
        words = words + marks[rng.integers(0, len(marks), size=len(words))]
        ends = np.cumsum(lengths)
        starts = ends - lengths
        texts += [" ".join(words[s:e]).rstrip(",;.").capitalize() + "."
                  for s, e in zip(starts.tolist(), ends.tolist())]
    return pd.DataFrame({
        "id": [f"synthetic-{i:07d}" for i in range(1, n + 1)],
        "conflict": "synthetic",
        "speaker": "synthetic",
        "text": texts,
    })


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(n: int, repeats: int) -> dict:
    """Generate ``n`` statements, code them, report time and memory (one JSON line)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from dronediplomacy.coding.coder import code_statements, load_dictionary

    frame = synthetic_statements(n)
    dictionary = load_dictionary()  # compiled once, as in the CLI
    base = _peak_rss_mb()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from machine import cpu_check

    reference = cpu_check()  # how fast this core is just now (the machine is shared)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        coded = code_statements(frame, dictionary)
        best = min(best, time.perf_counter() - started)
    moves = [c for c in coded.columns if c not in ("id", "named_agent", "alignment")]
    return {"rows": n, "distinct_texts": int(frame["text"].nunique()), "seconds": best,
            "repeats": repeats, "base_rss_mb": base, "peak_rss_mb": _peak_rss_mb(),
            "cpu_check": reference,
            "rows_with_a_move": int((coded[moves].sum(axis=1) > 0).sum()),
            "rows_with_agent": int((coded["named_agent"] != "none").sum())}


def run(sizes=SIZES, python: str = sys.executable) -> list[dict]:
    """Each size in a fresh subprocess; returns the workers' reports, in size order."""
    results = []
    for n in sizes:
        repeats = 3 if n <= 100_000 else 1
        out = subprocess.run([python, __file__, "--worker", str(n), "--repeats", str(repeats)],
                             capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONHASHSEED": "0"})
        if out.returncode != 0:
            raise RuntimeError(f"coder worker for {n} rows failed:\n{out.stderr}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for previous, current in zip(results, results[1:]):
        current["growth"] = current["seconds"] / previous["seconds"]
        current["growth_per_row"] = current["growth"] / (current["rows"] / previous["rows"])
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeats)))
        return 0
    for row in run([int(s) for s in args.sizes.split(",")]):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
