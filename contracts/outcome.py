"""What a contract run found, as plain data: read by the summary, the JUnit report and the tests.

Nothing here knows schemathesis; :mod:`contracts.runner` translates its events into these.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One way the server departed from the document, with the requests that show it."""

    operation: str  # "GET /companies", or "Stateful tests" for a link-following scenario
    check: str  # schemathesis' check name, e.g. "response_schema_conformance"
    code: str  # schemathesis' stable failure code, e.g. "ST108"
    title: str
    message: str
    status: int | None  # the status of the answer that failed the check; None without an answer
    reproduce: str  # curl command(s), one request per line
    phase: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Two findings with the same key are the same problem seen twice."""
        return (self.operation, self.check, self.title, self.message)


@dataclass
class OperationTally:
    """Cases sent to one operation and the statuses that came back."""

    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)


@dataclass
class Outcome:
    """A whole run: what was tested, how much, and every distinct finding and error."""

    spec: str
    base_url: str
    seed: int | None = None
    server_note: str = ""  # e.g. how to bring back the throw-away emulator the curl commands name
    operations_total: int = 0
    phases: dict[str, str] = field(default_factory=dict)  # phase name -> success / failure / skip / error
    operations: dict[str, OperationTally] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set, repr=False)

    @property
    def cases(self) -> int:
        return sum(tally.cases for tally in self.operations.values())

    @property
    def clean(self) -> bool:
        """True only when every check passed and nothing stopped the run."""
        return not self.findings and not self.errors

    def tally(self, operation: str) -> OperationTally:
        return self.operations.setdefault(operation, OperationTally())

    def add(self, finding: Finding) -> bool:
        """Keep a finding unless the same problem is already known; True when it was new."""
        if finding.key in self._seen:
            return False
        self._seen.add(finding.key)
        self.findings.append(finding)
        return True

    def add_error(self, text: str) -> None:
        """Keep an error once, however often the run met it."""
        if text not in self.errors:
            self.errors.append(text)

    def by_check(self) -> dict[str, list[Finding]]:
        """Findings grouped by check, checks in name order."""
        grouped: dict[str, list[Finding]] = {}
        for finding in sorted(self.findings, key=lambda f: (f.check, f.operation)):
            grouped.setdefault(finding.check, []).append(finding)
        return grouped
