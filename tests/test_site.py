"""The rendered site (no browser): offline, code hidden only on the narrative, byte-identical
on rerun, an index generated from the notebook order and the figure manifest.

Most tests render a small tree built in tmp_path (notebooks with hand-made outputs: an
inline PNG, a pandas-style HTML table, a Markdown output), so they take a second and do
not depend on the state of the real notebooks. The last tests check the committed site/.
tests/test_browser.py opens the committed pages in Chromium.
"""

import base64
import csv
import os
import re
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import (new_code_cell, new_markdown_cell, new_notebook, new_output)

from dronediplomacy import paths
from dronediplomacy import pipeline
from dronediplomacy.reporting import site
from dronediplomacy.reporting.figures import MANIFEST_COLUMNS

NAMES = pipeline.NAMES
NARRATIVE = next(n for n in NAMES if n.startswith("06-"))
#: A subset with a gap, so "every notebook that exists, in order" is tested, not assumed.
PRESENT = [NAMES[0], NAMES[1], NAMES[3], NARRATIVE]
SECRET_CODE = "narrative_only_variable_7731"


def png(width: int, height: int) -> bytes:
    """A valid grey RGB PNG of the given size (no image library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def make_notebook(name: str) -> nbformat.NotebookNode:
    number = name[:2]
    table = ('<table border="1" class="dataframe"><thead><tr><th>id</th><th>n</th></tr></thead>'
             f'<tbody><tr><td>st{number}</td><td>3</td></tr></tbody></table>')
    cells = [
        new_markdown_cell(f"# {number} · a test notebook\n\nSee [the next one]({NARRATIVE}) and "
                          f"$x^2$ (math is shown as typed)."),
        new_code_cell(f"{SECRET_CODE} = {number}\nframe", execution_count=1, outputs=[
            new_output("execute_result", {"text/html": table, "text/plain": "frame"},
                       execution_count=1)]),
        new_code_cell("plt.show()", execution_count=2, outputs=[
            new_output("display_data", {"image/png": base64.b64encode(png(12, 8)).decode(),
                                        "text/plain": "<Figure>"})]),
        new_code_cell("display(Markdown(text))", execution_count=3, outputs=[
            new_output("display_data", {"text/markdown": f"**Rendered prose {number}**: 3 statements.",
                                        "text/plain": "<Markdown>"}),
            new_output("stream", name="stdout", text=f"printed {number}\n")]),
    ]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index:02d}"
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}})


FIGURES = [
    {"stem": "timeline", "caption": "Events & statements, 2014–2026 <by lane>.",
     "alt_text": "A timeline with three lanes.", "notebook": "04-compare-conflicts.ipynb",
     "inputs": "data/input/events.csv", "data_csv": "figures/timeline.csv"},
    {"stem": "alpha", "caption": "Agreement per dimension.",
     "alt_text": "Dots with intervals, one per dimension.", "notebook": "04-compare-conflicts.ipynb",
     "inputs": "data/derived/agreement.csv", "data_csv": "alpha.csv"},
]


@pytest.fixture
def tree(tmp_path):
    """A repository-shaped folder: notebooks/, figures/ with a manifest, site/ (absent)."""
    (tmp_path / "notebooks").mkdir()
    for name in PRESENT:
        nbformat.write(make_notebook(name), tmp_path / "notebooks" / name)
    figures = tmp_path / "figures"
    figures.mkdir()
    for row in FIGURES:
        (figures / f"{row['stem']}.png").write_bytes(png(30, 20))
        (figures / f"{row['stem']}.pdf").write_bytes(b"%PDF-1.4\n")
        (figures / f"{row['stem']}.csv").write_text("a,b\n1,2\n")
    with (figures / "manifest.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(FIGURES)
    return tmp_path


def render(tree: Path) -> list[Path]:
    return site.render_site(tree / "notebooks", tree / "site", tree / "figures" / "manifest.csv")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def having_class(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if name in a.get("class", "").split()]

    def attrs(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


def assert_offline(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert site.off_host_references(text) == [], page.name
    # Independently of the scanner: no script is loaded at all, and no src/href/srcset
    # attribute names another host. Only a link the reader may click (<a href>) may: it
    # makes no request unless followed (a narrative may cite its source's address).
    elements = Elements(text)
    assert [a for a in elements.attrs("script") if "src" in a] == [], page.name
    for tag, attributes in elements.tags:
        for name in ("src", "href", "srcset", "data"):
            if tag in ("a", "area") and name == "href":
                continue
            value = attributes.get(name, "")
            assert not re.match(r"\s*(https?:)?//", value), f"{page.name}: <{tag} {name}={value!r}>"


def test_scanner_finds_what_the_stock_templates_load(tree):
    """The check is not hollow: nbconvert's own lab and classic templates fail it."""
    from nbconvert import HTMLExporter

    nb = make_notebook(NAMES[0])
    for template in ("lab", "classic"):
        body, _ = HTMLExporter(template_name=template).from_notebook_node(nb)
        found = " ".join(site.off_host_references(body))
        assert "require" in found and "mathjax" in found, template
    assert site.off_host_references('<img src="//cdn.example/x.png">')
    assert site.off_host_references('<link rel="stylesheet" href="https://fonts.example/f.css">')
    assert site.off_host_references('<style>@import "https://fonts.example/f.css";</style>')
    assert site.off_host_references('<div style="background: url(http://x.example/a.png)">')
    assert site.off_host_references('<script>import("https://cdn.example/m.mjs")</script>')
    assert not site.off_host_references('<a href="https://example.org/">a link</a>'
                                        '<img src="../figures/a.png"><img src="data:image/png;base64,AA">')


def test_pages_load_nothing_from_another_host(tree):
    written = render(tree)
    assert [p.name for p in written] == (list(site.SHARED_CSS) + [site.page_name(n) for n in PRESENT]
                                         + ["index.html"])
    for page in written:
        assert_offline(page)
    # Inline figures are embedded, not linked.
    page = Elements((tree / "site" / site.page_name(NAMES[0])).read_text())
    assert any(a["src"].startswith("data:image/png;base64,") for a in page.attrs("img"))


def test_code_hidden_on_the_narrative_only(tree):
    render(tree)
    for name in PRESENT:
        text = (tree / "site" / site.page_name(name)).read_text(encoding="utf-8")
        page = Elements(text)
        editors = page.having_class("jp-InputArea-editor")
        prompts = [a for a in page.having_class("jp-InputPrompt")]
        # Outputs and prose are there on every page, code only off the narrative.
        assert f"Rendered prose {name[:2]}" in text and f"printed {name[:2]}" in text
        assert "a test notebook" in text
        if name == NARRATIVE:
            assert editors == [] and SECRET_CODE not in text, name
            assert not re.search(r"(In|Out)(&nbsp;|\s)?\[\d", text), "prompts shown on the narrative"
            assert len(page.having_class("jp-mod-noInput")) == 3
        else:
            assert len(editors) == 3 and SECRET_CODE in text, name
            assert len(prompts) >= 3


def test_links_between_notebooks_point_to_pages(tree):
    render(tree)
    text = (tree / "site" / site.page_name(NAMES[0])).read_text(encoding="utf-8")
    assert f'href="{site.page_name(NARRATIVE)}"' in text
    assert f'href="{NARRATIVE}"' not in text


def test_rerender_is_byte_identical_in_a_new_process(tree):
    first = {p.name: p.read_bytes() for p in render(tree)}
    stamps = {p.name: p.stat().st_mtime_ns for p in (tree / "site").iterdir()}
    # A second render in another process, with a different hash seed and time zone.
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Asia/Tokyo"}
    code = ("import sys; from pathlib import Path; from dronediplomacy.reporting import site; "
            "t = Path(sys.argv[1]); "
            "site.render_site(t / 'notebooks', t / 'site', t / 'figures' / 'manifest.csv')")
    subprocess.run([sys.executable, "-c", code, str(tree)], check=True, env=env)
    second = {p.name: p.read_bytes() for p in (tree / "site").iterdir()}
    assert second == first
    # Same bytes: the files were not even rewritten (no mtime churn for git or make).
    assert {p.name: p.stat().st_mtime_ns for p in (tree / "site").iterdir()} == stamps
    forbidden = [str(tree), str(paths.ROOT), str(Path.home()), "/work/", "/tmp/", "/root/"]
    for name, data in second.items():
        text = data.decode("utf-8")
        for needle in forbidden:
            assert needle not in text, f"{name} contains the absolute path {needle!r}"
        assert not re.search(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d", text), f"{name} has a timestamp"


def test_index_lists_notebooks_in_order_and_every_figure(tree):
    render(tree)
    text = (tree / "site" / "index.html").read_text(encoding="utf-8")
    index = Elements(text)
    linked = {a["href"] for a in index.attrs("a") if a["href"].endswith(".html")}
    table = text[text.index("<table>"):text.index("</table>")]
    in_table = re.findall(r'href="([^"]+\.html)"', table)
    assert in_table == [site.page_name(n) for n in PRESENT]  # every one, in pipeline order
    assert linked == set(in_table)
    purposes = {nb.name: nb.purpose for nb in pipeline.NOTEBOOKS}
    for name in PRESENT:
        assert purposes[name].replace("'", "&#x27;") in table
    missing = set(NAMES) - set(PRESENT)
    assert not any(site.page_name(n) in text for n in missing)

    images = index.attrs("img")
    assert [(a["src"], a["alt"]) for a in images] == [
        (f"../figures/{row['stem']}.png", row["alt_text"]) for row in FIGURES]
    plain = "".join(index.text)
    for row in FIGURES:
        assert row["caption"] in plain
        assert f'href="../figures/{row["stem"]}.pdf"' in text
    assert 'href="../figures/timeline.csv"' in text  # data_csv from the repository root
    assert 'href="../figures/alpha.csv"' in text  # data_csv beside the manifest
    for href in [a["href"] for a in index.attrs("a")]:
        assert (tree / "site" / href).resolve().is_file(), href


def test_missing_manifest_lists_no_figures(tree):
    (tree / "figures" / "manifest.csv").unlink()
    render(tree)
    index = Elements((tree / "site" / "index.html").read_text(encoding="utf-8"))
    assert index.attrs("img") == [] and index.attrs("figure") == []
    assert "No figures yet" in "".join(index.text)


def test_manifest_problems_are_reported_not_rendered(tree):
    (tree / "figures" / "alpha.png").unlink()
    with pytest.raises(site.InputError, match=r"manifest.csv, row 3, column stem: .*'alpha'"):
        render(tree)
    assert not (tree / "site").exists() or not list((tree / "site").iterdir())
    (tree / "figures" / "manifest.csv").write_text("stem,caption\nx,y\n")
    with pytest.raises(site.InputError, match="missing column"):
        render(tree)


def test_stale_pages_are_removed(tree):
    (tree / "site").mkdir()
    (tree / "site" / "06-old-notebook.html").write_text("stale")
    (tree / "site" / "notes.txt").write_text("not a page")
    render(tree)
    assert sorted(p.name for p in (tree / "site").iterdir()) == sorted(
        [site.page_name(n) for n in PRESENT] + ["index.html", "notes.txt", *site.SHARED_CSS])
    (tree / "notebooks" / NAMES[3]).unlink()
    render(tree)
    assert not (tree / "site" / site.page_name(NAMES[3])).exists()
    assert site.page_name(NAMES[3]) not in (tree / "site" / "index.html").read_text()


def test_a_page_that_would_go_online_is_not_written(tree, monkeypatch):
    nb = make_notebook(NAMES[1])
    nb.cells.append(new_markdown_cell('<img src="https://example.org/tracker.png">'))
    nbformat.write(nb, tree / "notebooks" / NAMES[1])
    with pytest.raises(site.OfflineError, match="tracker.png"):
        render(tree)
    assert not (tree / "site").exists() or not list((tree / "site").iterdir())


# --- the committed site ----------------------------------------------------------------

def committed_pages() -> list[Path]:
    present = [n for n in NAMES if (paths.NOTEBOOKS / n).is_file()]
    return [paths.SITE / site.page_name(n) for n in present] + [paths.SITE / "index.html"]


def test_committed_site_is_current():
    """site/ is what rendering the committed notebooks and manifest gives now, page for
    page (CI also rerenders and checks git status; this says which page is stale)."""
    fresh = site.render_pages()
    actual = sorted(p.name for p in [*paths.SITE.glob("*.html"), *paths.SITE.glob("*.css")])
    hint = "run 'python3 repro.py run' (or '.venv/bin/python -m dronediplomacy.reporting.site') and commit site/"
    assert actual == sorted(fresh), f"site/ has other pages than notebooks/: {hint}"
    stale = [name for name, text in fresh.items()
             if (paths.SITE / name).read_bytes() != text.encode("utf-8")]
    assert stale == [], f"stale pages in site/: {hint}"


@pytest.mark.parametrize("page", committed_pages(), ids=lambda p: p.name)
def test_committed_page_is_offline_and_has_no_absolute_path(page):
    if not page.is_file():
        pytest.fail(f"{paths.relative(page)} is missing: run 'python3 repro.py run'")
    assert_offline(page)
    text = page.read_text(encoding="utf-8")
    for needle in (str(paths.ROOT), str(Path.home()) + "/"):
        assert needle not in text, f"{page.name} contains the absolute path {needle!r}"


def test_pages_link_the_shared_stylesheets_instead_of_inlining_them(tree):
    written = render(tree)
    styles = site.shared_css()
    assert set(styles) == set(site.SHARED_CSS) and all(len(css) > 1000 for css in styles.values())
    for name, css in styles.items():
        assert (tree / "site" / name).read_text(encoding="utf-8") == css
    for page in written:
        if page.suffix != ".html" or page.name == "index.html":
            continue
        text = page.read_text(encoding="utf-8")
        for name, css in styles.items():
            assert text.count(f'<link rel="stylesheet" href="{name}">') == 1, page.name
            assert css[:200] not in text, f"{page.name} still inlines {name}"


def test_an_image_with_alt_text_in_its_metadata_keeps_it_on_the_page(tree):
    path = tree / "notebooks" / PRESENT[0]
    nb = nbformat.read(path, as_version=4)
    image = base64.b64encode(png(12, 8)).decode()
    nb.cells.append(new_code_cell("figures.show_and_save(stem)", execution_count=9, outputs=[
        new_output("execute_result", {"image/png": image, "text/plain": "fig-01: files"},
                   metadata={"width": 240, "alt": 'Dots "and" <bars>, per conflict.'},
                   execution_count=9)]))
    nbformat.write(nb, path)
    render(tree)
    elements = Elements((tree / "site" / site.page_name(PRESENT[0])).read_text(encoding="utf-8"))
    alts = [a.get("alt") for a in elements.attrs("img")]
    assert 'Dots "and" <bars>, per conflict.' in alts  # escaped in the HTML, intact when parsed
    assert "No description has been provided for this image" in alts  # the image without one
