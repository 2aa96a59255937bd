"""A labelled set prepared for simulation (labels, ids, features) and kept for the next run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from cartsle_cli.errors import CartsleError
from cartsle_cli.screening.ranking import labelled as labelled_module
from cartsle_cli.screening.ranking import read_labelled
from cartsle_cli.screening.ranking.features import TfidfWordPairs, fit_all
from cartsle_cli.screening.ranking.model import DEFAULT_MODEL, ELAS_U4
from cartsle_cli.screening.ranking.prepared import prepare

MODELS = {"default": DEFAULT_MODEL, "elas-u4": ELAS_U4}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CARTSLE_CACHE", str(folder))
    return folder / "simulate"


@pytest.fixture
def labelled_csv(tmp_path):
    rows = ["record_id,title,abstract,keywords,label_included"]
    for number in range(1, 41):
        relevant = number % 5 == 0
        topic = "aspirin after stroke randomised trial" if relevant else f"knee surgery cohort {number % 3}"
        terms = "Stroke; Aspirin" if relevant else "Knee; Cohort Studies"
        rows.append(f"r{number},Study {number} of {topic},We report {topic}.,{terms},{int(relevant)}")
    path = tmp_path / "labelled.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def same(left, right) -> bool:
    return (left != right).nnz == 0 and left.shape == right.shape


def test_first_preparation_reads_the_file_and_matches_each_models_own_features(labelled_csv, cache):
    prepared = prepare(labelled_csv, None, MODELS)
    labelled = read_labelled(labelled_csv)
    assert prepared.labels == labelled.labels and prepared.record_ids == labelled.record_ids
    assert prepared.label_column == "label_included"
    for name, model in MODELS.items():
        assert same(prepared.features[name], model.features.fit_transform(labelled.texts, labelled.keywords))
    assert len(list(cache.glob("*.npz"))) == 2  # one per model


def test_a_later_preparation_reads_nothing_but_the_kept_file(labelled_csv, cache, monkeypatch):
    first = prepare(labelled_csv, None, MODELS)

    def never(*args, **kwargs):
        raise AssertionError("the labelled file was parsed again")

    monkeypatch.setattr(labelled_module, "labelled_from_bytes", never)
    again = prepare(labelled_csv, None, MODELS)
    assert (again.labels, again.record_ids, again.label_column) == (
        first.labels,
        first.record_ids,
        first.label_column,
    )
    for name in MODELS:
        kept, fresh = again.features[name], first.features[name]
        # the very same rows, in the same stored order: the simulation's arithmetic is unchanged
        assert np.array_equal(kept.indptr, fresh.indptr) and np.array_equal(kept.indices, fresh.indices)
        assert np.array_equal(kept.data, fresh.data)


def test_a_changed_file_or_label_option_is_prepared_afresh(labelled_csv, cache):
    prepare(labelled_csv, None, MODELS)
    text = labelled_csv.read_text(encoding="utf-8").replace("r1,Study 1 of knee", "r1,Study 1 of aspirin")
    labelled_csv.write_text(text.replace("Knee; Cohort Studies,0\nr2", "Knee; Cohort Studies,1\nr2", 1))
    assert prepare(labelled_csv, None, MODELS).labels[0] == 1
    assert prepare(labelled_csv, "label_included", {"elas-u4": ELAS_U4}).labels[0] == 1
    assert len(list(cache.glob("*.npz"))) == 5  # 2 + 2 for the changed file, 1 with --label


def test_a_damaged_kept_file_is_prepared_again(labelled_csv, cache):
    first = prepare(labelled_csv, None, MODELS)
    for kept in cache.glob("*.npz"):
        kept.write_bytes(b"not an npz file")
    again = prepare(labelled_csv, None, MODELS)
    assert again.labels == first.labels and same(again.features["default"], first.features["default"])


def test_a_truncated_kept_file_is_prepared_again(labelled_csv, cache):
    # a zip cut short (a full disk under another tool, say) fails as a zip, not as a missing file
    first = prepare(labelled_csv, None, MODELS)
    for kept in cache.glob("*.npz"):
        kept.write_bytes(kept.read_bytes()[: kept.stat().st_size // 2])
    again = prepare(labelled_csv, None, MODELS)
    assert again.labels == first.labels and same(again.features["default"], first.features["default"])


def test_cartsle_cache_empty_keeps_nothing(labelled_csv, tmp_path, monkeypatch):
    monkeypatch.setenv("CARTSLE_CACHE", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    prepare(labelled_csv, None, MODELS)
    assert not (tmp_path / "xdg").exists()


def test_an_unwritable_cache_is_no_cache_not_an_error(labelled_csv, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would go")
    monkeypatch.setenv("CARTSLE_CACHE", str(blocker))
    assert prepare(labelled_csv, None, MODELS).labels == read_labelled(labelled_csv).labels


def test_a_bad_file_is_the_same_one_line_error_and_nothing_is_kept(tmp_path, cache):
    path = tmp_path / "set.csv"
    path.write_text("title,abstract,included\nA,x,1\nB,y,maybe\n", encoding="utf-8")
    with pytest.raises(CartsleError, match="row 3") as error:
        prepare(path, None, MODELS)
    assert "maybe" in str(error.value)
    with pytest.raises(CartsleError, match="no such file"):
        prepare(tmp_path / "missing.csv", None, MODELS)
    assert not cache.exists() or not list(cache.iterdir())


def test_shared_parts_are_computed_once_for_all_models(labelled_csv, monkeypatch):
    labelled = read_labelled(labelled_csv)
    calls = []
    original = TfidfWordPairs.fit_transform

    def counted(self, texts, keywords=None):
        calls.append(self)
        return original(self, texts, keywords)

    monkeypatch.setattr(TfidfWordPairs, "fit_transform", counted)
    features = fit_all(
        {name: model.features for name, model in MODELS.items()}, labelled.texts, labelled.keywords
    )
    assert len(calls) == 1  # the default (words + pairs, keywords) and ELAS u4 (words + pairs) share it
    monkeypatch.setattr(TfidfWordPairs, "fit_transform", original)
    for name, model in MODELS.items():
        assert same(features[name], model.features.fit_transform(labelled.texts, labelled.keywords))


def test_a_later_simulation_process_loads_neither_scikit_learn_nor_pandas(labelled_csv, cache):
    command = [sys.executable, "-m", "cartsle_cli", "screen", "simulate", str(labelled_csv), "--runs", "1"]
    command += ["--json"]
    environment = {**os.environ, "CARTSLE_CACHE": str(cache.parent)}
    first = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    probe = (
        "import runpy, sys; sys.argv = " + repr(["cartsle", *command[3:]]) + "\n"
        "try:\n    runpy.run_module('cartsle_cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sklearn', 'pandas') if m in sys.modules), file=sys.stderr)"
    )
    later = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
    )
    assert later.stderr.strip().splitlines()[-1] == "[]"
    models = [json.loads(done.stdout)["models"] for done in (first, later)]
    assert list(models[0]) == list(models[1]) == ["default", "elas-u4"]
    for name in models[0]:
        picked = [[(run["priors"], run["order"], run["metrics"]) for run in m[name]["runs"]] for m in models]
        assert picked[0] == picked[1]


def test_the_cache_deletes_the_least_recently_used_sets_beyond_its_limit(tmp_path):
    from cartsle_cli.screening.ranking.prepared import trim

    folder = tmp_path / "simulate"
    folder.mkdir()
    files = {}
    for age, name in enumerate(["newest", "middle", "oldest", "current"]):
        files[name] = folder / f"{name}.npz"
        files[name].write_bytes(b"x" * 100)
        os.utime(files[name], (1_000_000 - age * 100, 1_000_000 - age * 100))
    writing = folder / "other.4242.tmp.npz"  # another process's set, half written
    writing.write_bytes(b"x" * 500)
    # 400 bytes kept in all, at most 250 allowed: the oldest two go, the one in use stays though it
    # is the oldest of all, and the file being written is not counted or touched
    trim(folder, keep={files["current"]}, limit=250)
    assert sorted(path.name for path in folder.iterdir()) == [
        "current.npz",
        "newest.npz",
        "other.4242.tmp.npz",
    ]


def test_a_set_used_again_counts_as_recent(labelled_csv, cache):
    prepare(labelled_csv, None, MODELS)
    for file in cache.glob("*.npz"):
        os.utime(file, (1_000_000, 1_000_000))
    prepare(labelled_csv, None, MODELS)
    assert all(file.stat().st_mtime > 1_000_000 for file in cache.glob("*.npz"))


def test_preparing_a_new_set_trims_the_cache_to_its_limit(labelled_csv, cache, monkeypatch):
    from cartsle_cli.screening.ranking import prepared as prepared_module

    cache.mkdir(parents=True)
    stale = cache / ("0" * 64 + ".npz")
    stale.write_bytes(b"x" * 1000)
    os.utime(stale, (1_000_000, 1_000_000))
    monkeypatch.setattr(prepared_module, "CACHE_LIMIT_BYTES", 1)
    prepare(labelled_csv, None, MODELS)
    assert not stale.exists()
    assert len(list(cache.glob("*.npz"))) == 2  # this simulation's own sets are kept
