"""CITATION.cff: valid CFF 1.2.0 in the fields we use, and in step with the package."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

import pytest
import yaml

import dronediplomacy
from dronediplomacy import paths

CFF = paths.ROOT / "CITATION.cff"

# Keys CFF 1.2.0 allows (schema.json of citation-file-format/citation-file-format 1.2.0).
TOP_LEVEL_KEYS = {"abstract", "authors", "cff-version", "commit", "contact", "date-released",
                  "doi", "identifiers", "keywords", "license", "license-url", "message",
                  "preferred-citation", "references", "repository", "repository-artifact",
                  "repository-code", "title", "type", "url", "version"}
REQUIRED_KEYS = {"authors", "cff-version", "message", "title"}
REFERENCE_REQUIRED = {"authors", "title", "type"}
REFERENCE_TYPES = {"article", "book", "data", "database", "generic", "magazine-article",
                   "newspaper-article", "report", "software", "website"}  # the ones we might use
PERSON_KEYS = {"given-names", "family-names", "name-particle", "name-suffix", "affiliation",
               "orcid", "email", "website", "alias"}


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load(CFF.read_text(encoding="utf-8"))


def test_cff_has_the_required_and_only_allowed_keys(cff):
    assert cff["cff-version"] == "1.2.0"
    assert REQUIRED_KEYS <= set(cff) <= TOP_LEVEL_KEYS, set(cff) - TOP_LEVEL_KEYS
    assert cff["type"] in {"software", "dataset"}
    assert cff["license"] == "MIT"
    for author in cff["authors"]:
        assert author.get("name") or author.get("family-names"), author


def test_version_matches_the_package_and_pyproject(cff):
    assert str(cff["version"]) == dronediplomacy.__version__
    pyproject = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == dronediplomacy.__version__


def test_release_date_is_a_date(cff):
    released = cff["date-released"]
    # YAML reads an unquoted YYYY-MM-DD as a date; CFF wants that form.
    assert isinstance(released, dt.date)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", released.isoformat())
    # the date of this version's entry in CHANGELOG.md: "## VERSION (YYYY-MM-DD)"
    changelog = (paths.ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = re.search(rf"^## {re.escape(str(cff['version']))} \((\d{{4}}-\d{{2}}-\d{{2}})\)$", changelog, re.M)
    assert entry, f"CHANGELOG.md has no entry '## {cff['version']} (date)'"
    assert released.isoformat() == entry.group(1)


def test_references_cite_the_article_and_sipri(cff):
    references = cff["references"]
    for reference in references:
        assert REFERENCE_REQUIRED <= set(reference)
        assert reference["type"] in REFERENCE_TYPES
        for author in reference["authors"]:
            assert author.get("name") or set(author) <= PERSON_KEYS
    titles = {r["title"]: r for r in references}
    article = titles["Turkey’s Drone Diplomacy: How Erdoğan Frames His Most Vital Asset in "
                     "His Foreign Policy Toolkit"]
    assert article["authors"] == [{"given-names": "Juliette", "family-names": "Oliver"}]
    sipri = titles["SIPRI Arms Transfers Database"]
    assert sipri["authors"] == [{"name": "Stockholm International Peace Research Institute"}]
    assert sipri["type"] == "database"
    assert sipri["url"].startswith("https://www.sipri.org/")
    assert "12 February 2026" in " ".join(sipri["notes"].split())


def test_article_title_and_author_match_the_source_text_when_present(cff):
    text_path = paths.sources_dir() / "article.txt"
    if not text_path.is_file():
        pytest.skip(f"source text not found at {text_path}; set ${paths.SOURCES_DIR_ENV} to the "
                    "folder holding article.txt to check the title and author")
    lines = text_path.read_text(encoding="utf-8").splitlines()
    article = cff["references"][0]
    assert lines[0].strip().rstrip(".") == article["title"]
    assert lines[2].strip() == "Juliette Oliver"

