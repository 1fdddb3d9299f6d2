"""Postpone one slow import of the notebook tooling until it is actually needed.

``nbformat`` (which the runner and the site renderer use) imports ``jsonschema``, whose
format checkers import ``rfc3987_syntax`` when it is installed (it is, through
``jupyter-events``). That module builds an Earley parser for the IRI grammar as it is
imported, about a second of every process that reads a notebook, for a check (the
``iri`` and ``iri-reference`` formats of newer JSON Schema drafts) that ``nbformat``
never asks for.

:func:`defer_rfc3987_syntax` puts a stand-in under that module's name. ``jsonschema``
still registers the same checkers (the stand-in has the same ``is_valid_syntax``), and
the first time any of them runs, or anything else reads from the module, the real
module is imported and used, so every result is exactly what it would have been; only
the parser's construction moves from import time to first use. Call it before importing
``nbformat``; it does nothing if the module is already imported or not installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

_NAME = "rfc3987_syntax"


def _real_module() -> types.ModuleType:
    module = sys.modules.get(_NAME)
    if isinstance(module, _Deferred):
        del sys.modules[_NAME]
        try:
            module = importlib.import_module(_NAME)
        except BaseException:
            sys.modules[_NAME] = _STAND_IN
            raise
    return module


class _Deferred(types.ModuleType):
    """Stands in for rfc3987_syntax until something uses it."""

    def __getattr__(self, name: str):
        return getattr(_real_module(), name)


def _is_valid_syntax(term: str, value: str) -> bool:
    return _real_module().is_valid_syntax(term, value)


_STAND_IN = _Deferred(_NAME, "Stand-in for rfc3987_syntax (see dronediplomacy.running.lazyimports).")
_STAND_IN.is_valid_syntax = _is_valid_syntax


def defer_rfc3987_syntax() -> None:
    """Put the stand-in in place (see the module's description)."""
    if _NAME in sys.modules:
        return
    spec = importlib.util.find_spec(_NAME)
    if spec is None:
        return
    _STAND_IN.__spec__ = spec
    _STAND_IN.__path__ = list(spec.submodule_search_locations or [])
    sys.modules[_NAME] = _STAND_IN
