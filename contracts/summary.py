"""The readable summary of a contract run: what was tested, what failed and how to reproduce each failure."""

from __future__ import annotations

import textwrap

from contracts.outcome import Finding, OperationTally, Outcome

MESSAGE_LINES = 14
# The engine also reports preparatory phases (probing the server, analysing the schema); these test.
TESTING_PHASES = ("examples", "coverage", "fuzzing", "stateful")


def render(outcome: Outcome) -> str:
    """The whole summary, ending with one line that says whether the run was clean."""
    parts = [_header(outcome), "Operations\n" + _operations(outcome)]
    if outcome.findings:
        parts.append(_failures_by_check(outcome))
        parts.extend(_finding(number, finding) for number, finding in enumerate(_ordered(outcome), start=1))
    if outcome.errors:
        parts.append("Errors (the run could not test everything):\n" + "\n".join(_bullet(e) for e in outcome.errors))
    parts.append(verdict(outcome))
    return "\n\n".join(parts) + "\n"


def verdict(outcome: Outcome) -> str:
    if outcome.clean:
        return f"RESULT: clean. {outcome.cases} cases, no failures."
    return (
        f"RESULT: FAILED. {len(outcome.findings)} distinct failure{'s' if len(outcome.findings) != 1 else ''}, "
        f"{len(outcome.errors)} error{'s' if len(outcome.errors) != 1 else ''}."
    )


def _header(outcome: Outcome) -> str:
    phases = ", ".join(f"{name} {status}" for name, status in outcome.phases.items() if name in TESTING_PHASES)
    seed = f"seed {outcome.seed}" if outcome.seed is not None else "no seed"
    return "\n".join(
        [
            "Contract run",
            f"  document:   {outcome.spec}",
            f"  server:     {outcome.base_url}",
            *([f"              {outcome.server_note}"] if outcome.server_note else []),
            f"  operations: {outcome.operations_total}, cases: {outcome.cases}, time: {outcome.elapsed:.1f} s, {seed}",
            f"  phases:     {phases or 'none ran'}",
        ]
    )


def _operations(outcome: Outcome) -> str:
    if not outcome.operations:
        return "  none were tested"
    rows = sorted(outcome.operations.items(), key=lambda item: _path_then_method(item[0]))
    heading = "answers (status x count)"
    width = max(len(heading), *(len(_statuses(tally)) for _, tally in rows))
    lines = [f"  cases  {heading:<{width}}  operation"]
    for label, tally in rows:
        lines.append(f"  {tally.cases:>5}  {_statuses(tally):<{width}}  {label}")
    untested = [label for label, tally in outcome.operations.items() if tally.cases == 0]
    if untested:
        lines.append(f"  ({len(untested)} operation{'s' if len(untested) != 1 else ''} never reached)")
    return "\n".join(lines)


def _path_then_method(label: str) -> tuple[str, str]:
    method, _, path = label.partition(" ")
    return (path, method)


def _statuses(tally: OperationTally) -> str:
    if not tally.statuses:
        return "-"
    return " ".join(f"{status}x{count}" for status, count in sorted(tally.statuses.items()))


def _failures_by_check(outcome: Outcome) -> str:
    lines = ["Failures by check"]
    for check, findings in outcome.by_check().items():
        lines.append(f"  {check:<32} {len(findings)}  ({findings[0].code} {findings[0].title})")
    return "\n".join(lines)


def _ordered(outcome: Outcome) -> list[Finding]:
    return [finding for findings in outcome.by_check().values() for finding in findings]


def _finding(number: int, finding: Finding) -> str:
    answered = f", answered {finding.status}" if finding.status is not None else ""
    message = "\n".join(finding.message.strip().splitlines()[:MESSAGE_LINES])
    return "\n".join(
        [
            f"{number}. [{finding.code}] {finding.title}: {finding.operation} ({finding.check}, {finding.phase}{answered})",
            textwrap.indent(message, "   "),
            "   Reproduce with:",
            textwrap.indent(finding.reproduce, "     "),
        ]
    )


def _bullet(text: str) -> str:
    first, *rest = text.splitlines() or [""]
    return "\n".join([f"  - {first}", *(f"    {line}" for line in rest)])
