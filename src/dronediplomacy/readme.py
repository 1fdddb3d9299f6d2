"""The README's generated parts: kept between marker comments, rewritten by the build
and checked by tests/test_readme.py, so they cannot drift from the code."""

from __future__ import annotations

import re

from . import atomic, paths, pipeline

README = paths.ROOT / "README.md"


def notebook_table() -> str:
    lines = ["| # | notebook | what it does | reads | writes |", "|---|---|---|---|---|"]
    for nb in pipeline.NOTEBOOKS:
        reads = "<br>".join(f"`{r}`" if "/" in r or "." in r else r for r in nb.reads)
        writes = "<br>".join(f"`{w}`" for w in nb.writes) or "nothing"
        lines.append(f"| {nb.name[:2]} | [`{nb.name}`](notebooks/{nb.name}) | {nb.purpose} "
                     f"| {reads} | {writes} |")
    return "\n".join(lines)


def generated_blocks() -> dict[str, str]:
    return {"notebooks": notebook_table()}


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, body in generated_blocks().items():
        pattern = re.compile(rf"(<!-- {name}:start[^>]*-->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise RuntimeError(f"README.md lacks the markers <!-- {name}:start --> ... "
                               f"<!-- {name}:end -->")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


def update() -> None:
    atomic.write_text(README, render(README.read_text(encoding="utf-8")))
