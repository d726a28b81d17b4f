"""Issue 14, import: a bundle comes from another machine and may be careless or hostile.

It can add new sessions, all or nothing; it never reaches into a session that is already here,
and one bad value stops the whole import with one line, before anything is written. Most cases
run `roleplay import` as a real process against a real SQLite file.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store_sample import make_session

from simulator import paths
from simulator.cli import main
from simulator.exports import render
from simulator.exports.bundle import import_bundle
from simulator.store import Store
from simulator.store.ids import new_id, utc_now
from simulator.store.review import add_review, override

ROLEPLAY = Path(sys.executable).with_name("roleplay")


def roleplay(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROLEPLAY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def write(path: Path, bundle: dict) -> Path:
    path.write_text(json.dumps(bundle, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The error a user sees: exit code 1, one line on stderr, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def home_state() -> dict:
    """Everything in the home store, to compare before and after."""
    with Store.open() as store:
        return {
            s["id"]: (s, store.turns(s["id"]), store.reviews(s["id"]))
            for s in store.list_sessions()
        }


@pytest.fixture
def victim() -> str:
    """A private session on this machine: Sander's, not shared."""
    with Store.open() as store:
        sid = make_session(store, trainee="Sander", consent=False)
        override(store, sid, 2, "paraphrase", False, "Anja")
    return sid


@pytest.fixture
def bundle(tmp_path) -> dict:
    """A genuine bundle of two sessions made on another machine (reviewed, with overrides)."""
    with Store.open(tmp_path / "other.db") as store:
        first = make_session(store, trainee="Fatima", consent=True)
        second = make_session(store, trainee="Piet", consent=True)
        add_review(store, second, "Bram", "Goed begin.")
        override(store, second, 4, "paraphrase", False, "Bram")
        return json.loads(render(store, [first, second], "json"))


def retarget(record: dict, sid: str, first_position: int = 0) -> dict:
    """The record moved to session `sid`, with fresh ids under it (what an attacker would send)."""
    record = copy.deepcopy(record)
    record["session"]["id"] = sid
    new_turn_ids = {t["id"]: new_id() for t in record["turns"]}
    for n, turn in enumerate(record["turns"]):
        turn.update(id=new_turn_ids[turn["id"]], session_id=sid, position=first_position + n)
    for row in record["detections"] + record["overrides"]:
        row["turn_id"] = new_turn_ids[row["turn_id"]]
    for row in record["reviews"] + record["overrides"]:
        if "id" in row:
            row["id"] = new_id()
    for row in record["reviews"]:
        row["session_id"] = sid
    return record


# -- an existing session is never touched --------------------------------------------------------


def test_a_bundle_adds_nothing_to_a_session_that_is_already_here(victim, bundle, tmp_path):
    before = home_state()
    forged = retarget(bundle["sessions"][1], victim, first_position=50)  # turns + review + override
    bundle["sessions"] = [forged]
    result = roleplay("import", str(write(tmp_path / "forged.json", bundle)))
    assert result.returncode == 0, result.stderr
    assert "Imported 0 session(s); skipped 1" in result.stdout
    assert home_state() == before  # no foreign turns, review or label in Sander's transcript


@pytest.mark.parametrize("row", ["turn", "review", "detection", "override"])
def test_nothing_in_a_new_session_can_point_into_another_session(victim, bundle, tmp_path, row):
    before = home_state()
    with Store.open() as store:
        victim_turn = store.turns(victim)[1]["id"]  # a trainee turn of Sander's
    record = bundle["sessions"][1]
    if row == "turn":
        record["turns"][3]["session_id"] = victim
    elif row == "review":
        record["reviews"][0]["session_id"] = victim
    elif row == "detection":
        record["detections"].append(
            {"turn_id": victim_turn, "behaviour": "open_question", "detected": 1}
        )
    else:
        record["overrides"][0]["turn_id"] = victim_turn
    error = one_line_error(roleplay("import", str(write(tmp_path / "b.json", bundle))))
    assert "b.json:" in error and "nothing was imported" in error
    assert home_state() == before


def test_a_new_session_may_not_reuse_an_id_that_is_taken_here(victim, bundle, tmp_path):
    before = home_state()
    with Store.open() as store:
        victim_turn = store.turns(victim)[1]["id"]
    record = bundle["sessions"][1]
    old = record["turns"][1]["id"]
    record["turns"][1]["id"] = victim_turn  # its detections would then land on Sander's turn
    for row in record["detections"] + record["overrides"]:
        row["turn_id"] = victim_turn if row["turn_id"] == old else row["turn_id"]
    error = one_line_error(roleplay("import", str(write(tmp_path / "b.json", bundle))))
    assert victim_turn in error and "already used" in error
    assert home_state() == before


# -- trainee, consent and ids are checked ----------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("consent", "yes"),
        ("consent", 2),
        ("trainee", 42),
        pytest.param("trainee", "Piet\x1b]0;pwned\x07", id="trainee-escape-sequence"),
        pytest.param("trainee", "x" * 5000, id="trainee-too-long"),
    ],
)
def test_trainee_and_consent_are_checked(bundle, tmp_path, column, value):
    bundle["sessions"][1]["session"][column] = value
    error = one_line_error(roleplay("import", str(write(tmp_path / "b.json", bundle))))
    assert f"session.{column}" in error
    assert home_state() == {}


@pytest.mark.parametrize("where", ["session", "turn", "review", "override"])
@pytest.mark.parametrize("bad", ["", "abc", "lower", "prefix", "ILOU", 123])
def test_ids_must_be_ids_as_the_store_makes_them(victim, bundle, tmp_path, where, bad):
    before = home_state()
    record = bundle["sessions"][1]
    good = {
        "session": record["session"]["id"],
        "turn": record["turns"][2]["id"],
        "review": record["reviews"][0]["id"],
        "override": record["overrides"][0]["id"],
    }[where]
    value = {"lower": good.lower(), "prefix": victim[:20], "ILOU": "ILOU" + good[4:]}.get(bad, bad)
    text = json.dumps(bundle).replace(f'"{good}"', json.dumps(value))  # every reference to it
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    error = one_line_error(roleplay("import", str(path)))
    assert "session 2" in error and "nothing was imported" in error
    assert home_state() == before


# -- one bad value: nothing written, one line, everything still works -----------------------------

BAD_VALUES = {
    "scores not an object": lambda b: b["sessions"][1]["session"].update(scores="garbage{"),
    "state not JSON": lambda b: b["sessions"][1]["turns"][2].update(state="{not json"),
    "position not a number": lambda b: b["sessions"][1]["turns"][2].update(position="three"),
    "position not whole": lambda b: b["sessions"][1]["turns"][2].update(position=2.5),
    "detected not a flag": lambda b: b["sessions"][1]["detections"][0].update(detected="ja"),
    "unknown behaviour": lambda b: b["sessions"][1]["overrides"][0].update(behaviour="x"),
    "turn text not text": lambda b: b["sessions"][1]["turns"][2].update(text={"a": 1}),
    "duplicate session": lambda b: b["sessions"].append(copy.deepcopy(b["sessions"][0])),
    "duplicate turn id": lambda b: b["sessions"][1]["turns"][3].update(
        id=b["sessions"][0]["turns"][3]["id"]
    ),
    "version as text": lambda b: b.update(version="1"),
}


@pytest.mark.parametrize("damage", list(BAD_VALUES))
def test_one_bad_value_stops_the_import_before_anything_is_written(bundle, tmp_path, damage):
    BAD_VALUES[damage](bundle)
    path = write(tmp_path / "b.json", bundle)
    error = one_line_error(roleplay("import", str(path)))
    assert str(path) in error and "nothing was imported" in error
    if damage != "version as text":  # names the line of the session that is wrong
        line = int(re.search(r"b\.json:(\d+):", error).group(1))
        text = path.read_text(encoding="utf-8").splitlines()
        first_id = bundle["sessions"][0]["session"]["id"]
        first_line = next(n for n, li in enumerate(text, 1) if first_id in li)
        assert line > first_line  # not the first session, which is fine
    assert not paths.db_path().exists()  # the good first session was not written; no store made
    listed = roleplay("sessions", "list", "--trainee", "Fatima")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert roleplay("export", "--all", "--format", "csv").returncode == 0


def test_a_bundle_that_is_not_json_or_not_a_bundle_says_so(tmp_path):
    cases = {
        "cut.json": '{"format": "roleplay-bundle", "version": 1, "sessions": [{"session": ',
        "list.json": "[1, 2]",
        "latin1.json": '{"format": "roleplay-bundle", "version": 1, "sessions": []}'.replace(
            "bundle", "bündle"
        ),
        "other.json": '{"name": "package", "sessions": []}',
        "newer.json": '{"format": "roleplay-bundle", "version": 2, "sessions": []}',
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_bytes(text.encode("latin-1" if name == "latin1.json" else "utf-8"))
        error = one_line_error(roleplay("import", str(path)))
        assert name in error or "newer" in error, error
    assert home_state() == {}


# -- what the import created is recorded -----------------------------------------------------------


def test_the_import_is_recorded_on_the_sessions_it_created(victim, bundle, tmp_path):
    path = write(tmp_path / "from-anja.json", bundle)
    before = utc_now()
    assert roleplay("import", str(path)).returncode == 0
    with Store.open() as store:
        for record in bundle["sessions"]:
            origin = store.imported_from(record["session"]["id"])
            assert origin["source"] == str(path.resolve())
            assert before < origin["imported"] < utc_now()
        assert store.imported_from(victim) is None  # made here


# -- streaming ---------------------------------------------------------------------------------


def synthetic_bundle(path: Path, sessions: int) -> Path:
    """A valid bundle of many small sessions, written without a store (quick)."""
    records = []
    for n in range(sessions):
        sid, now = new_id(), utc_now()
        turns = [
            {"id": new_id(), "session_id": sid, "position": p, "speaker": speaker, "text": text,
             "created": now, "state": {"irritation": 5, "trust": 5}}
            for p, (speaker, text) in enumerate(
                [("tenant", "Het lekt al weken."), ("trainee", f"Sorry, ik kijk ernaar ({n}).")]
            )
        ]  # fmt: skip
        records.append({
            "session": {"id": sid, "trainee": f"t{n % 40}", "persona_id": "grumpy",
                        "scenario_id": "late-leaking-tap", "lang": "nl", "started": now,
                        "consent": True, "scores": {"listening": 50}},
            "turns": turns,
            "detections": [{"turn_id": turns[1]["id"], "behaviour": "apologize", "detected": 1}],
        })  # fmt: skip
    bundle = {"format": "roleplay-bundle", "version": 1, "sessions": records}
    return write(path, bundle)


def test_import_streams_the_bundle_instead_of_reading_it_whole(tmp_path):
    path = synthetic_bundle(tmp_path / "big.json", 4000)
    tracemalloc.start()
    try:
        result = CliRunner().invoke(main, ["import", str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0 and "Imported 4000 session(s)" in result.output
    # Reading it whole holds the text and several times that as objects; a stream, a batch.
    assert peak < path.stat().st_size


def test_a_compact_bundle_with_a_bom_and_its_keys_in_any_order_imports(bundle, tmp_path):
    reordered = {"sessions": bundle["sessions"], "version": 1, "format": "roleplay-bundle"}
    path = tmp_path / "compact.json"
    path.write_text("\ufeff" + json.dumps(reordered, separators=(",", ":")), encoding="utf-8")
    result = roleplay("import", str(path))
    assert result.returncode == 0 and "Imported 2 session(s)" in result.stdout
    with Store.open() as store:
        again = import_bundle(store, path)
    assert again.skipped == [r["session"]["id"] for r in bundle["sessions"]]
