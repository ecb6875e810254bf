"""``python -m contracts run`` end to end: against its own emulator, against a given server, with Codat's document."""

from __future__ import annotations

import base64
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from contracts.cli import main
from contracts.local import free_port, local_emulator
from contracts.runner import RunOptions, run

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = REPO.parent / "shared" / "reference" / "Codat-Bank-Feeds.yaml"

pytestmark = pytest.mark.xdist_group("contracts")


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with local_emulator() as url:
        yield url


def wrong_document() -> dict[str, Any]:
    """Two operations of the real API; the list's answer demands a field the server never sends."""
    error = {"description": "refused", "content": {"application/json": {"schema": {"type": "object"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "a document that is wrong about GET /companies", "version": "1"},
        "paths": {
            "/companies": {
                "post": {
                    "operationId": "create-company",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string", "pattern": "^[A-Za-z]{1,20}$"}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {"description": "created", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": error,
                        "401": error,
                    },
                },
                "get": {
                    "operationId": "list-companies",
                    "responses": {
                        "200": {
                            "description": "a page",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "required": ["results", "nextCursor"]}
                                }
                            },
                        },
                        "401": error,
                    },
                },
            }
        },
    }


def test_run_without_a_base_url_tests_its_own_emulator_and_exits_0_when_clean(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"

    finished = subprocess.run(
        [sys.executable, "-m", "contracts", "run", "--max-examples", "2", "--seed", "1", "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=170,
        cwd=REPO,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    out = finished.stdout
    assert "Starting a local emulator" in out
    assert "operations: 33" in out
    assert "stateful success" in out and "fuzzing success" in out
    assert "POST /companies/{companyId}/connections/{connectionId}/push/bankAccounts/{accountId}/bankTransactions" in out
    assert out.rstrip().splitlines()[-2].startswith("RESULT: clean.")
    suite = ET.parse(report).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("33", "0", "0")


def test_a_server_that_departs_from_the_document_fails_with_a_curl_to_reproduce_each_failure(
    emulator: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, report = tmp_path / "wrong.yaml", tmp_path / "junit.xml"
    spec.write_text(yaml.safe_dump(wrong_document()), encoding="utf-8")
    argv = ["run", "--base-url", emulator, "--spec", str(spec), "--api-key", "team-key"]
    argv += ["--max-examples", "3", "--no-stateful", "--seed", "1", "--report", str(report)]

    code = main(argv)

    out = capsys.readouterr().out
    assert code == 1
    assert "response_schema_conformance" in out
    assert "1. [ST108] Response violates schema: GET /companies" in out
    assert "nextCursor" in out
    assert "Reproduce with:\n     curl -X GET" in out
    assert "RESULT: FAILED." in out
    # A key given on the command line stays out of the printed commands.
    assert base64.b64encode(b"team-key").decode() not in out
    failures = ET.parse(report).getroot().findall("testcase[@name='GET /companies']/failure")
    assert failures and "curl -X GET" in (failures[0].text or "")


def test_the_api_key_is_sent_as_basic_auth_so_the_run_lands_in_that_keys_tenant(emulator: str, tmp_path: Path) -> None:
    spec = tmp_path / "wrong.yaml"
    spec.write_text(yaml.safe_dump(wrong_document()), encoding="utf-8")

    outcome = run(RunOptions(base_url=emulator, spec=str(spec), api_key="tenant-a", max_examples=3, stateful=False, seed=2))

    def companies(key: str) -> int:
        headers = {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}
        total: int = httpx.get(emulator + "/companies", headers=headers).json()["totalResults"]
        return total

    assert outcome.operations["POST /companies"].statuses[200] > 0
    assert companies("tenant-a") > 0
    assert companies("tenant-b") == 0


@pytest.mark.skipif(not UPSTREAM.exists(), reason=f"Codat's document is not beside the repository ({UPSTREAM})")
def test_codats_own_document_finds_no_server_error_and_no_answer_outside_its_schemas(emulator: str) -> None:
    outcome = run(
        RunOptions(
            base_url=emulator,
            spec=str(UPSTREAM),
            api_key="codat-document",
            checks=("not_a_server_error", "response_schema_conformance"),
            max_examples=8,
            seed=3,
        )
    )

    assert not outcome.errors, outcome.errors
    assert [f"{f.check} {f.operation}: {f.message}" for f in outcome.findings] == []
    assert outcome.operations_total == 33 and outcome.cases > 500



def test_a_server_that_does_not_answer_exits_2_saying_so(capsys: pytest.CaptureFixture[str]) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"

    code = main(["run", "--base-url", nobody, "--max-examples", "1"])

    assert code == 2
    assert f"cannot reach {nobody}" in capsys.readouterr().err


def test_a_document_that_cannot_be_read_exits_2_saying_so(
    emulator: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--base-url", emulator, "--spec", str(tmp_path / "absent.yaml")])

    assert code == 2
    assert "cannot load the API document" in capsys.readouterr().err
