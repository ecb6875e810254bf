"""Our OpenAPI documents, parsed: from their YAML, or from a JSON copy of an earlier parse of the same text.

Parsing YAML was most of a start's cost (libyaml reads our two documents in about 60 ms; the same
data as JSON reads in about 1.5 ms), so a parse is kept as JSON in a cache folder, under a name
that holds the SHA-256 of the document's text. The YAML stays the one source of truth: an edited
document has another hash, finds no copy, and is parsed (and fails, if it is broken) as before;
the copy it then leaves replaces the old one. A copy is written only when JSON says exactly what
the YAML does (nothing a JSON parse would return differently, such as a date or a number as a
key), and a cache folder that cannot be read or written is no error: the document is parsed.

The folder is ``$BANKFEEDS_MOCK_CACHE_DIR``, else ``$XDG_CACHE_HOME/bankfeeds-mock``, else
``~/.cache/bankfeeds-mock``; ``BANKFEEDS_MOCK_CACHE_DIR=""`` (empty) turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from contracts import document

CACHE_ENV = "BANKFEEDS_MOCK_CACHE_DIR"
#: Part of every copy's name: a new way of writing copies never reads an old one.
_FORMAT = "1"


def cache_folder() -> Path | None:
    """Where parsed documents are kept, or None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bankfeeds-mock"


def parsed(name: str) -> dict[str, Any]:
    """The document ``name`` of :mod:`contracts`, parsed: a new dict on every call, the caller's to change."""
    text = document(name).read_bytes()
    folder = cache_folder()
    if folder is None:
        return _parse_yaml(text)
    prefix = f"{Path(name).stem}-{_FORMAT}-"
    copy = folder / f"{prefix}{hashlib.sha256(text).hexdigest()}.json"
    kept = _read(copy)
    if kept is not None:
        return kept
    loaded = _parse_yaml(text)
    _keep(copy, loaded, prefix)
    return loaded


def _parse_yaml(text: bytes) -> dict[str, Any]:
    import yaml  # only when there is no copy to read: an import of 20 ms

    # libyaml's loader reads our documents ten times faster than the pure-Python one.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(text.decode("utf-8"), Loader=loader)
    return loaded


def _read(copy: Path) -> dict[str, Any] | None:
    try:
        kept = orjson.loads(copy.read_bytes())
    except (OSError, orjson.JSONDecodeError):  # none yet, unreadable, or cut short
        return None
    return kept if isinstance(kept, dict) else None


def _keep(copy: Path, loaded: dict[str, Any], prefix: str) -> None:
    try:
        encoded = orjson.dumps(loaded)
    except orjson.JSONEncodeError:  # a key JSON cannot carry
        return
    if orjson.loads(encoded) != loaded:  # a value JSON would carry as something else (a date, NaN)
        return
    # Written aside, then renamed: a reader (another emulator starting) sees all or nothing.
    partial = copy.with_name(f".{copy.name}.{os.getpid()}")
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(encoded)
        os.replace(partial, copy)
        for older in copy.parent.glob(f"{prefix}*.json"):  # copies of earlier versions of the text
            if older != copy:
                older.unlink(missing_ok=True)
    except OSError:  # a folder we may not write: the next start parses again
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


__all__ = ["CACHE_ENV", "cache_folder", "parsed"]
