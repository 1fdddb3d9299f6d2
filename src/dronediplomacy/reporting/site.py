"""The offline website in ``site/`` (``python -m dronediplomacy.reporting.site``): a page per notebook
of ``pipeline.NOTEBOOKS`` (nbconvert's lab template without CDN scripts; code hidden on the narrative),
JupyterLab's stylesheets written once and linked, and an index of notebooks and figures. Every page
is checked (:func:`off_host_references`) before anything is written atomically; stale pages go."""

import functools
import html
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from dronediplomacy import atomic, paths, pipeline
from dronediplomacy.errors import InputError
from dronediplomacy.reporting.figures import read_manifest
from dronediplomacy.reporting.narrative import jinja

#: The narrative notebook (prose for readers who do not read code).
NARRATIVE_PREFIX = "06-"
#: Formats of a figure; the first image found is shown on the index, then the PDF is offered.
IMAGE_FORMATS = ("png", "svg")
TEMPLATES = Path(__file__).parent / "templates" / "site"

#: JupyterLab's stylesheets the lab template would inline into every page: site file -> source.
SHARED_CSS = {"jupyterlab-index.css": "static/index.css",
              "jupyterlab-theme-light.css": "static/theme-light.css"}


class OfflineError(RuntimeError):
    """A rendered page would make the browser contact another host."""


def page_name(notebook_name: str) -> str:
    """``06-tell-comparison.ipynb`` -> ``06-tell-comparison.html``."""
    return Path(notebook_name).stem + ".html"


@functools.lru_cache(maxsize=2)
def _exporter(narrative: bool):
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATES)],
                        template_file="offline.html.j2", theme="light", exclude_input=narrative,
                        exclude_input_prompt=narrative, exclude_output_prompt=narrative)


def shared_css() -> dict[str, str]:
    """The files of :data:`SHARED_CSS` and their text."""
    environment = _exporter(False).environment
    return {name: environment.loader.get_source(environment, source)[0]
            for name, source in SHARED_CSS.items()}


def _link_shared_css(body: str) -> str:
    for name, css in shared_css().items():
        inlined = f'<style type="text/css">\n{css}</style>'  # as nbconvert's include_css writes it
        if body.count(inlined) != 1:
            raise RuntimeError(f"nbconvert's lab template no longer inlines {SHARED_CSS[name]} "
                               "once per page; update dronediplomacy.reporting.site.SHARED_CSS")
        body = body.replace(inlined, f'<link rel="stylesheet" href="{name}">')
    return body


def _relink_notebooks(body: str, rendered: set[str]) -> str:
    """Links to the notebooks in ``rendered`` (``href="03-x.ipynb"``) point to their pages."""
    def swap(match: re.Match) -> str:
        name = match.group(2) + ".ipynb"
        return f'href="{page_name(name)}{match.group(3) or ""}"' if name in rendered else match.group(0)
    return re.sub(r'href="(\./|\.\./notebooks/)?([0-9]{2}-[A-Za-z0-9_.-]+?)\.ipynb(#[^"]*)?"',
                  swap, body)


#: Attributes whose URL the browser fetches on load (``href`` too, except on <a>/<area>,
#: a link the reader may follow); CSS ``url()``/``@import``; any URL in a <script>.
FETCHED = {"src", "srcset", "poster", "data", "background", "xlink:href", "manifest", "action",
           "formaction", "href", "style"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
SCRIPT_URL = re.compile(r"""\b(?:https?|wss?|ftp)://[^\s'"<>`)]+""", re.I)


def off_host(url: str) -> bool:
    """Loading ``url`` would contact another host or an absolute file path (not relative
    URLs, fragments, ``data:`` or ``blob:``)."""
    scheme = re.match(r"\s*([a-z][a-z0-9+.-]*):", url, re.I)
    return (scheme.group(1).lower() not in {"data", "blob", "about", "javascript", "mailto"}
            if scheme else url.strip().startswith(("//", "\\\\")))


def off_host_references(page: str) -> list[str]:
    """Where ``page`` (HTML) would make the browser fetch from another host; [] if offline."""
    found: list[str] = []

    class Scanner(HTMLParser):
        inside = None

        def handle_starttag(self, tag, attrs):
            self.inside = tag
            for name, value in attrs:
                if name not in FETCHED or not value or (name == "href" and tag in ("a", "area")):
                    continue
                urls = ([a or b for a, b in CSS_URL.findall(value)] if name == "style" else
                        [u.split()[0] for u in value.split(",") if u.strip()] if name == "srcset"
                        else [value])
                found.extend(f"<{tag} {name}={u!r}>" for u in urls if off_host(u))

        def handle_endtag(self, tag):
            self.inside = None

        def handle_data(self, data):
            if self.inside == "style":
                found.extend(f"<style> {a or b!r}" for a, b in CSS_URL.findall(data) if off_host(a or b))
            elif self.inside == "script":
                found.extend(f"<script> {u!r}" for u in SCRIPT_URL.findall(data))

    Scanner().feed(page)
    return found


def render_notebook(path: Path, rendered: set[str]) -> str:
    """The HTML page of the notebook at ``path`` (code hidden on the narrative), from its bytes
    and its name alone; links to the notebooks in ``rendered`` (names) lead to their pages."""
    import nbformat

    nb = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
    exporter = _exporter(path.name.startswith(NARRATIVE_PREFIX))
    # Only the name: nbconvert's from_filename would add the folder and modification date.
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    return _relink_notebooks(_link_shared_css(body), rendered).rstrip("\n") + "\n"


def _href(*parts: str) -> str:
    """A relative URL from path parts (POSIX separators, each part percent-safe)."""
    return "/".join(quote(p) for p in "/".join(parts).split("/") if p)


def _figure(row: dict[str, str], figures_href: str, pages: dict[str, str], manifest: Path,
            root: Path, line: int) -> dict:
    """A manifest row with ``files`` (format -> URL), ``data_href`` and ``page``. InputError
    naming the row and column if a file it names does not exist."""
    stem, folder = row["stem"], manifest.parent
    formats = [f for f in (*IMAGE_FORMATS, "pdf") if (folder / f"{stem}.{f}").is_file()]
    if not set(formats) & set(IMAGE_FORMATS):
        raise InputError(manifest, f"figure {stem!r} has no file "
                         f"{' or '.join(f'{stem}.{f}' for f in IMAGE_FORMATS)} beside the manifest.",
                         row=line, column="stem", fix="rerun the notebook that draws it, or remove the row.")
    data = row["data_csv"]  # a path from the repository root, or beside the manifest
    targets = [t for p, t in ((root / data, _href("..", data)),
                              (folder / data, _href(figures_href, data))) if data and p.is_file()]
    if data and not targets:
        raise InputError(manifest, f"data file {data!r} of figure {stem!r} does not exist "
                         "(neither from the repository root nor beside the manifest).",
                         row=line, column="data_csv",
                         fix="rerun the notebook that draws it, or correct the path.")
    return {**row, "files": {f.upper(): _href(figures_href, f"{stem}.{f}") for f in formats},
            "data_href": targets[0] if data else "", "page": pages.get(row["notebook"], "")}


def render_index(pages: dict[str, str], figures: list[dict[str, str]], *, figures_href: str,
                 manifest: Path, root: Path) -> str:
    """``site/index.html`` (templates/site/site-index.html.j2): the notebooks in order
    (``pages``: notebook name -> page file name), then every figure of the manifest."""
    title = re.search(r"^# (.+)", (paths.ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    env = jinja(TEMPLATES, h=html.escape, href=_href, stem=lambda name: Path(name).stem)
    return env.get_template("site-index.html.j2").render(
        title=title[1].strip() if title else "Notebooks and figures", pages=pages,
        narrative=next((name for name in pages if name.startswith(NARRATIVE_PREFIX)), None),
        purposes={nb.name: nb.purpose for nb in pipeline.NOTEBOOKS},
        manifest_href=_href(figures_href, manifest.name),
        figures=[_figure(row, figures_href, pages, manifest, root, line)
                 for line, row in enumerate(figures, start=2)])


def render_pages(notebooks_dir: Path | None = None, site_dir: Path | None = None,
                 manifest: Path | None = None) -> dict[str, str]:
    """Every file of the site, ``{file name: text}``: stylesheets, notebook pages, index.
    OfflineError if one would load from another host. Defaults: notebooks/, site/, figures/."""
    notebooks_dir, site_dir = Path(notebooks_dir or paths.NOTEBOOKS), Path(site_dir or paths.SITE)
    manifest = Path(manifest or paths.FIGURES / "manifest.csv")
    figures_href = Path(os.path.relpath(manifest.parent.resolve(), site_dir.resolve())).as_posix()
    present = [nb.name for nb in pipeline.NOTEBOOKS if (notebooks_dir / nb.name).is_file()]
    pages = {name: page_name(name) for name in present}
    contents = shared_css() if present else {}
    contents.update({pages[name]: render_notebook(notebooks_dir / name, set(present))
                     for name in present})
    contents["index.html"] = render_index(pages, read_manifest(manifest, missing_ok=True),
                                   figures_href=figures_href, manifest=manifest, root=site_dir.parent)
    for page, text in contents.items():
        problems = ([f"url({a or b!r})" for a, b in CSS_URL.findall(text) if off_host(a or b)]
                    if page.endswith(".css") else off_host_references(text))
        if problems:
            raise OfflineError(f"{page} would load from another host: "
                               f"{'; '.join(problems[:5])}. Remove or vendor that resource.")
    return contents


def render_site(notebooks_dir: Path | None = None, site_dir: Path | None = None,
                manifest: Path | None = None) -> list[Path]:
    """Write :func:`render_pages` atomically into ``site_dir``, remove stale pages; the files written."""
    site_dir = Path(site_dir or paths.SITE)
    contents = render_pages(notebooks_dir, site_dir, manifest)
    for page, text in contents.items():
        atomic.write_text(site_dir / page, text)
    for stale in sorted([*site_dir.glob("*.html"), *site_dir.glob("*.css")]):
        if stale.name not in contents:
            stale.unlink()
    return [site_dir / page for page in contents]


if __name__ == "__main__":
    written = [p for p in render_site() if p.suffix == ".html"]
    print(f"site: {len(written) - 1} notebook page(s) and the index in "
          f"{paths.relative(paths.SITE)}/", file=sys.stderr)
