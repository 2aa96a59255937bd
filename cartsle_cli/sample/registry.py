"""The bundled sample reviews, by the name `cartsle demo --sample NAME` takes.

``car-t-sle`` is the seed review (synthetic single-arm case series, the abstract's Results); the
others are comparative randomised trials built from published trial-level data
(:mod:`cartsle_cli.sample.trials`). Each sample writes its files into a folder and lists the
commands that run it there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cartsle_cli.sample.steps import STEPS, Step

DEFAULT = "car-t-sle"


@dataclass(frozen=True)
class Sample:
    name: str
    description: str
    write: Callable[[Path], list[Path]]  # files written, relative to the folder
    steps: tuple[Step, ...]


def _seed(folder: Path) -> list[Path]:
    from cartsle_cli.sample.generate import write_sample

    return write_sample(folder).files


def _trials(module: str) -> Sample:
    from importlib import import_module

    from cartsle_cli.sample.trials.write import trial_steps, write_trial_sample

    spec = import_module(f"cartsle_cli.sample.trials.{module}").SAMPLE
    return Sample(spec.name, spec.title, lambda folder: write_trial_sample(spec, folder), trial_steps(spec))


def samples() -> dict[str, Sample]:
    seed = Sample(
        DEFAULT,
        "CAR T-cell therapy in systemic lupus erythematosus (synthetic case series; the abstract's Results)",
        _seed,
        STEPS,
    )
    found = [seed, _trials("gibson2002"), _trials("bcg")]
    return {sample.name: sample for sample in found}


def sample(name: str) -> Sample:
    from cartsle_cli.errors import CartsleError

    known = samples()
    if name not in known:
        raise CartsleError(
            f"no sample review named {name!r}; the samples are {', '.join(known)}", field="--sample"
        )
    return known[name]


def write_all(folder: Path) -> list[Path]:
    """Every sample as ``sample_data/`` holds them: the seed review in ``folder`` itself, each
    other sample in a subfolder of its name (``asthma/``, ``bcg/``); the files written, relative."""
    written = []
    for name, found in samples().items():
        target = folder if name == DEFAULT else folder / name
        written += [path if name == DEFAULT else Path(name) / path for path in found.write(target)]
    return written
