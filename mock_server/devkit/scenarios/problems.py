"""What is wrong with a scenario, as data: each :class:`Problem` with its place, and the
:class:`ScenarioError` that carries them all.

Apart from the reader (:mod:`.text`, which brings a YAML parser and a JSON Schema validator), so
the command line can catch a fixture's failure at start without loading either when no fixture
is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, and where."""

    path: PathKey
    message: str
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str:
        return dotted(self.path)


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; ``problems`` says every place, ``str()`` says it for people."""

    def __init__(self, source: str, problems: Sequence[Problem], more: int = 0) -> None:
        self.source = source
        self.problems = list(problems)
        self.more = more
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.source}:{_position(p)} {p.where + ': ' if p.path else ''}{p.message}" for p in self.problems]
        if self.more:
            lines.append(f"{self.source}: ... and {self.more} more problem(s)")
        return "\n".join(lines)


def _position(problem: Problem) -> str:
    if problem.line is None:
        return ""
    return f"{problem.line}:{problem.column}:" if problem.column is not None else f"{problem.line}:"


def dotted(path: PathKey) -> str:
    """``("companies", 0, "name")`` -> ``companies[0].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
