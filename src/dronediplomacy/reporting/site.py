"""Render the notebooks to a small website in ``site/`` that works offline.

Every notebook of ``pipeline.NOTEBOOKS`` becomes ``site/<stem>.html`` (nbconvert's lab
template); ``site/index.html`` lists them with their purpose, then the figures of the
manifest with captions and alt texts. Offline: the template blanks the CDN scripts
(require.js, MathJax, Mermaid, widgets), so LaTeX shows as typed; figures are linked
relatively; every page is checked (:func:`off_host_references`) before anything is
written; links a reader may click (``<a href>``) are free. Code is hidden on the
narrative page (:data:`NARRATIVE_PREFIX`); a saved figure's alt text stays on its image.
JupyterLab's stylesheets are written once (:data:`SHARED_CSS`) and linked from every
page. Pages depend only on the notebooks and the manifest, are written atomically, and
stale pages are removed, so a rerun leaves ``site/`` byte-identical.

Usage: ``python -m dronediplomacy.reporting.site``
"""

from __future__ import annotations

import functools
import html
import os
import re
import sys
from pathlib import Path

from dronediplomacy import atomic
from dronediplomacy import paths
from dronediplomacy.running import pipeline
from dronediplomacy.errors import InputError
from dronediplomacy.reporting.figsave import MANIFEST_COLUMNS, read_manifest  # noqa: F401

#: The narrative notebook (prose for readers who do not read code) starts with this.
NARRATIVE_PREFIX = "05-"
INDEX = "index.html"
#: Formats a figure may be saved in, the first one found is shown on the index.
IMAGE_FORMATS = ("png", "svg")
OTHER_FORMATS = ("pdf",)
DEFAULT_TITLE = "Notebooks and figures"

#: Extends nbconvert's lab template: no script from any CDN (require.js and the
#: widget manager live in ``html_head_js``; MathJax and Mermaid in their own blocks).
OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
nav.site-nav { padding: 0.5rem 1rem; font-family: var(--jp-ui-font-family); font-size: 0.9rem; }
</style>
{%- endblock extra_css -%}
{%- block data_png scoped -%}
{%- set alt = output | get_metadata('alt', 'image/png') -%}
{%- if alt -%}
{{ super() | replace('<img ', '<img alt="' ~ (alt | escape_html) ~ '" ', 1) }}
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock data_png -%}
{%- block body_header -%}
{{ super() }}
<nav class="site-nav"><a href="index.html">&larr; All notebooks and figures</a></nav>
{%- endblock body_header -%}
"""
OFFLINE_TEMPLATE_NAME = "dronediplomacy-offline.html.j2"

#: JupyterLab's stylesheets, which the lab template would inline into every page: each is
#: written once into the site as the file named here, and linked from every page.
SHARED_CSS = {"jupyterlab-index.css": "static/index.css",
              "jupyterlab-theme-light.css": "static/theme-light.css"}

INDEX_CSS = """\
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
figure { margin: 2rem 0; padding-bottom: 1rem; border-bottom: 1px solid #ddd; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { margin-top: .5rem; } .meta { color: #555; font-size: .9rem; }
code { font-size: .9em; }
"""


class OfflineError(RuntimeError):
    """A rendered page would make the browser contact another host."""


def is_narrative(name: str) -> bool:
    return name.startswith(NARRATIVE_PREFIX)


def page_name(notebook_name: str) -> str:
    """``05-tell-comparison.ipynb`` -> ``05-tell-comparison.html``."""
    return Path(notebook_name).stem + ".html"


@functools.lru_cache(maxsize=2)
def _exporter(narrative: bool):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({OFFLINE_TEMPLATE_NAME: OFFLINE_TEMPLATE})],
        template_file=OFFLINE_TEMPLATE_NAME,
        theme="light",
        exclude_input=narrative,
        exclude_input_prompt=narrative,
        exclude_output_prompt=narrative,
    )


def shared_css() -> dict[str, str]:
    """The files of :data:`SHARED_CSS` and their text, as the lab template has them."""
    environment = _exporter(False).environment
    return {name: environment.loader.get_source(environment, source)[0]
            for name, source in SHARED_CSS.items()}


def _link_shared_css(body: str) -> str:
    """The page with each stylesheet of :data:`SHARED_CSS` linked instead of inlined."""
    for name, css in shared_css().items():
        inlined = f'<style type="text/css">\n{css}</style>'  # as nbconvert's include_css writes it
        if body.count(inlined) != 1:
            raise RuntimeError(f"nbconvert's lab template no longer inlines {SHARED_CSS[name]} "
                               "once per page; update dronediplomacy.reporting.site.SHARED_CSS")
        body = body.replace(inlined, f'<link rel="stylesheet" href="{name}">')
    return body


def _relink_notebooks(body: str, rendered: set[str]) -> str:
    """Links between notebooks (``href="03-x.ipynb"``) point to their pages instead."""
    def swap(match: re.Match) -> str:
        name = match.group(2) + ".ipynb"
        if name not in rendered:
            return match.group(0)
        return f'href="{page_name(name)}{match.group(3) or ""}"'
    return re.sub(r'href="(\./|\.\./notebooks/)?([0-9]{2}-[A-Za-z0-9_.-]+?)\.ipynb(#[^"]*)?"',
                  swap, body)


# --- offline check -------------------------------------------------------------------

#: Attributes whose URL the browser fetches while loading the page. ``href`` counts
#: everywhere except on ``<a>`` and ``<area>``, where it is a link the reader may follow
#: (no request is made unless they click it).
_FETCHED_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "xlink:href",
                       "manifest", "codebase", "archive", "formaction", "action"}
_NAVIGATION_TAGS = {"a", "area"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
_SCRIPT_URL = re.compile(r"""\b(?:https?|wss?|ftp)://[^\s'"<>`)]+""", re.I)


def off_host(url: str) -> bool:
    """True if loading ``url`` from a page of the site would contact another host (or
    read an absolute file path). Relative URLs, fragments and ``data:``/``blob:`` are fine."""
    url = url.strip()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", url, re.I)
    if scheme:
        return scheme.group(1).lower() not in {"data", "blob", "about", "javascript", "mailto"}
    return url.startswith(("//", "\\\\"))


def off_host_references(page: str) -> list[str]:
    """Every place where ``page`` (HTML) would make the browser fetch from another host:
    fetched attributes, CSS ``url()``/``@import`` in ``<style>`` and ``style=``, and any
    URL written inside a ``<script>``. Returns readable descriptions; [] means offline."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Scanner(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.inside: str | None = None

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if value is None:
                    continue
                urls: list[str] = []
                if name in _FETCHED_ATTRIBUTES or (name == "href" and tag not in _NAVIGATION_TAGS):
                    urls = [part.strip().split(" ")[0] for part in value.split(",")] \
                        if name == "srcset" else [value]
                elif name == "style":
                    urls = [a or b for a, b in _CSS_URL.findall(value)]
                elif tag == "meta" and name == "content" and "url=" in value.lower():
                    urls = [value.lower().split("url=", 1)[1]]
                found.extend(f"<{tag} {name}={u!r}>" for u in urls if off_host(u))
            if tag in ("script", "style"):
                self.inside = tag

        def handle_startendtag(self, tag, attrs):
            self.handle_starttag(tag, attrs)
            self.inside = None

        def handle_endtag(self, tag):
            if tag == self.inside:
                self.inside = None

        def handle_data(self, data):
            if self.inside == "style":
                urls = [a or b for a, b in _CSS_URL.findall(data)]
                found.extend(f"<style> {u!r}" for u in urls if off_host(u))
            elif self.inside == "script":
                found.extend(f"<script> {u!r}" for u in _SCRIPT_URL.findall(data))

    scanner = Scanner()
    scanner.feed(page)
    scanner.close()
    return found


def render_notebook(path: Path, *, narrative: bool | None = None,
                    rendered: set[str] = frozenset()) -> str:
    """The HTML page of the notebook at ``path`` (code hidden if it is the narrative).

    ``rendered`` names the notebooks that get pages, so links to them are rewritten.
    The page depends only on the notebook's bytes, its name and these two options."""
    import nbformat

    path = Path(path)
    if narrative is None:
        narrative = is_narrative(path.name)
    nb = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
    # Only the name goes into resources: nbconvert's own from_filename would add the
    # folder and the file's modification date.
    body, _ = _exporter(narrative).from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    body = _relink_notebooks(_link_shared_css(body), set(rendered))
    return body.rstrip("\n") + "\n"


def _present(notebooks_dir: Path) -> list[str]:
    """The notebooks of the pipeline that exist in ``notebooks_dir``, in order."""
    return [nb.name for nb in pipeline.NOTEBOOKS if (notebooks_dir / nb.name).is_file()]


def _title() -> str:
    readme = paths.ROOT / "README.md"
    if readme.is_file():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return DEFAULT_TITLE


def _href(*parts: str) -> str:
    """A relative URL from path parts (POSIX separators, each part percent-safe)."""
    from urllib.parse import quote

    return "/".join(quote(p) for p in "/".join(parts).split("/") if p)


def _figure_html(row: dict[str, str], figures_dir: Path, figures_href: str, root: Path,
                 pages: dict[str, str], manifest: Path, line: int) -> str:
    e = html.escape
    stem = row["stem"]
    shown = next((f for f in IMAGE_FORMATS if (figures_dir / f"{stem}.{f}").is_file()), None)
    if shown is None:
        raise InputError(manifest, f"figure {stem!r} has no file "
                         f"{' or '.join(f'{stem}.{f}' for f in IMAGE_FORMATS)} beside the manifest.",
                         row=line, column="stem",
                         fix="rerun the notebook that draws it, or remove the row.")
    src = _href(figures_href, f"{stem}.{shown}")
    formats = [f for f in IMAGE_FORMATS + OTHER_FORMATS if (figures_dir / f"{stem}.{f}").is_file()]
    downloads = ", ".join(f'<a href="{_href(figures_href, f"{stem}.{f}")}">{f.upper()}</a>'
                          for f in formats)
    meta = [f"Figure files: {downloads}."]
    if row["data_csv"]:
        data = row["data_csv"]
        if (root / data).is_file():  # a path from the repository root
            target = _href("..", data)
        elif (figures_dir / data).is_file():  # a file beside the figures
            target = _href(figures_href, data)
        else:
            raise InputError(manifest, f"data file {data!r} of figure {stem!r} does not exist "
                             f"(neither from the repository root nor beside the manifest).",
                             row=line, column="data_csv",
                             fix="rerun the notebook that draws it, or correct the path.")
        meta.append(f'Data plotted: <a href="{target}"><code>{e(data)}</code></a>.')
    if row["notebook"]:
        name = row["notebook"]
        label = f"<code>{e(name)}</code>"
        if name in pages:
            label = f'<a href="{_href(pages[name])}">{label}</a>'
        meta.append(f"Drawn by {label}.")
    if row["inputs"]:
        inputs = [i.strip() for i in row["inputs"].split(";") if i.strip()]
        meta.append("Inputs: " + ", ".join(f"<code>{e(i)}</code>" for i in inputs) + ".")
    return (f'<figure id="figure-{e(stem)}">\n'
            f'<img src="{src}" alt="{e(row["alt_text"])}">\n'
            f'<figcaption><strong>{e(stem)}.</strong> {e(row["caption"])}\n'
            f'<div class="meta">{" ".join(meta)}</div></figcaption>\n'
            f'</figure>')


def render_index(pages: dict[str, str], figures: list[dict[str, str]], *,
                 figures_dir: Path, figures_href: str, root: Path, manifest: Path) -> str:
    """``site/index.html``: the notebooks in order (``pages``: notebook name -> page
    file name, in pipeline order), then every figure of the manifest."""
    e = html.escape
    title = _title()
    purposes = {nb.name: nb.purpose for nb in pipeline.NOTEBOOKS}
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
           f"<title>{e(title)}</title>", f"<style>\n{INDEX_CSS}</style>", "</head>", "<body>",
           "<main>", f"<h1>{e(title)}</h1>"]
    narrative = [name for name in pages if is_narrative(name)]
    if narrative:
        out.append(f'<p>Start with the comparison told in prose: '
                   f'<a href="{_href(pages[narrative[0]])}">{e(Path(narrative[0]).stem)}</a>. '
                   f"The other pages show the code that computes every number.</p>")
    out += ['<h2 id="notebooks">Notebooks, in the order they run</h2>', "<table>",
            "<thead><tr><th>#</th><th>notebook</th><th>what it does</th></tr></thead>", "<tbody>"]
    for name, page in pages.items():
        out.append(f'<tr><td>{e(name[:2])}</td><td><a href="{_href(page)}">{e(Path(name).stem)}</a>'
                   f"</td><td>{e(purposes.get(name, ''))}</td></tr>")
    out += ["</tbody>", "</table>", '<h2 id="figures">Figures</h2>']
    if not figures:
        out.append(f"<p>No figures yet: <code>{e(_href(figures_href, manifest.name))}</code> "
                   f"lists none.</p>")
    for line, row in enumerate(figures, start=2):
        out.append(_figure_html(row, figures_dir, figures_href, root, pages, manifest, line))
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _defaults(notebooks_dir, site_dir, manifest) -> tuple[Path, Path, Path]:
    return (Path(notebooks_dir or paths.NOTEBOOKS), Path(site_dir or paths.SITE),
            Path(manifest or paths.FIGURES / "manifest.csv"))


def render_pages(notebooks_dir: Path | None = None, site_dir: Path | None = None,
                 manifest: Path | None = None) -> dict[str, str]:
    """Every file of the site, rendered in memory: ``{file name: text}``, the shared
    stylesheets, the notebook pages in pipeline order, then ``index.html``. Nothing is
    written; raises :class:`OfflineError` if a file would load anything from another
    host."""
    notebooks_dir, site_dir, manifest = _defaults(notebooks_dir, site_dir, manifest)
    figures_dir = manifest.parent
    figures_href = Path(os.path.relpath(figures_dir.resolve(), site_dir.resolve())).as_posix()

    present = _present(notebooks_dir)
    pages = {name: page_name(name) for name in present}
    contents = shared_css() if present else {}
    contents.update({pages[name]: render_notebook(notebooks_dir / name, rendered=set(present))
                     for name in present})
    contents[INDEX] = render_index(
        pages, read_manifest(manifest, missing_ok=True), figures_dir=figures_dir, figures_href=figures_href,
        root=site_dir.parent, manifest=manifest)
    for page, text in contents.items():
        if page.endswith(".css"):
            problems = [f"url({a or b!r})" for a, b in _CSS_URL.findall(text) if off_host(a or b)]
        else:
            problems = off_host_references(text)
        if problems:
            raise OfflineError(f"{page} would load from another host: "
                               f"{'; '.join(problems[:5])}. Remove or vendor that resource.")
    return contents


def render_site(notebooks_dir: Path | None = None, site_dir: Path | None = None,
                manifest: Path | None = None) -> list[Path]:
    """Render every existing notebook of ``pipeline.NOTEBOOKS``, the shared stylesheets
    and the index into ``site_dir``; remove stale pages and stylesheets. Defaults:
    ``paths.NOTEBOOKS``, ``paths.SITE``, ``paths.FIGURES / 'manifest.csv'``. Returns the
    files written: the stylesheets, the pages, the index last.

    Every page is rendered and checked before any is written, each atomically. Figures
    are linked relatively from ``site_dir`` to the manifest's folder, so keep both in the
    same tree (as ``site/`` and ``figures/`` are in the repository).
    """
    notebooks_dir, site_dir, manifest = _defaults(notebooks_dir, site_dir, manifest)
    contents = render_pages(notebooks_dir, site_dir, manifest)
    written = []
    for page, text in contents.items():
        atomic.write_text(site_dir / page, text)
        written.append(site_dir / page)
    for stale in sorted([*site_dir.glob("*.html"), *site_dir.glob("*.css")]):
        if stale.name not in contents:
            stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    written = [p for p in render_site() if p.suffix == ".html"]
    print(f"site: {len(written) - 1} notebook page(s) and the index in "
          f"{paths.relative(paths.SITE)}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
