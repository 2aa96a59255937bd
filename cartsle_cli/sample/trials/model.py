"""What a trial sample declares: its trials (real citations and arm-level data), the words of its
off-topic records, and the reports read in full and excluded. :mod:`.write` builds the files."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """A real trial report as the data set's reference list gives it. No DOI, PMID, volume or
    pages: only what the source prints, so nothing is invented; ``unsure`` says what is not
    certain (the sample's README lists it)."""

    first_author: str  # "Lahdensuo A": family name and initials
    year: int
    title: str
    journal: str
    unsure: str = ""


@dataclass(frozen=True)
class Trial:
    study_id: str  # as the full-text decisions and the extraction files name it
    citation: Citation
    characteristics: dict[str, str]  # studies.csv columns after study_id
    arms: dict[str, dict[str, str]]  # arm id -> arms.csv columns after study_id and arm
    outcomes: tuple[str, ...]  # outcome ids the trial reports (RoB 2 rows)


@dataclass(frozen=True)
class Neighbour:
    """Title templates of records a search returns that are not eligible: ``{slot}`` words come
    from the sample's slots. ``tempting`` ones may draw a reviewer's include at title/abstract."""

    templates: tuple[str, ...]
    tempting: bool = False


@dataclass(frozen=True)
class FullTextExclusion:
    title: str
    reason: str  # one of the default full-text reasons


@dataclass(frozen=True)
class TrialSample:
    name: str  # `cartsle demo --sample NAME` and the folder under sample_data/
    title: str
    data_source: str  # the published data set, cited in the README and the report's files
    protocol_file: str  # a TOML file beside this module
    arm_ids: tuple[str, str]  # intervention, control
    trials: tuple[Trial, ...]
    neighbours: tuple[Neighbour, ...]
    slots: dict[str, tuple[str, ...]]
    journals: tuple[str, ...]  # journals of the generated records
    full_text_exclusions: tuple[FullTextExclusion, ...]
    searched: str  # the date the searches were run (YYYY-MM-DD)
    years: tuple[int, int]  # publication years of the generated records
    off_topic: int  # generated records that are not eligible
    seed: int
    keywords: tuple[str, ...] = field(default=())
