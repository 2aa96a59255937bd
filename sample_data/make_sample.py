#!/usr/bin/env python3
"""Regenerate the sample reviews in this folder and print the seed review's self-check.

Usage: python3 sample_data/make_sample.py [--search]

The generator lives in the package (cartsle_cli.sample) so that `cartsle demo` can regenerate the
same files after a plain `pip install .`; this script only calls it. The seed review (car-t-sle)
is written into this folder, every other sample into its own subfolder (asthma/, bcg/). --search
first reruns the seeded search for the SLEDAI time courses (minutes) and rewrites
cartsle_cli/sample/sledai_courses.csv.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cartsle_cli.sample.check import figures
from cartsle_cli.sample.registry import write_all

HERE = Path(__file__).resolve().parent


def main() -> None:
    if "--search" in sys.argv[1:]:
        from cartsle_cli.sample.extraction_files import COURSES_FILE, courses_csv
        from cartsle_cli.sample.patients import search

        COURSES_FILE.write_text(courses_csv(search()), encoding="utf-8")
    for path in write_all(HERE):
        print(f"{path}  {(HERE / path).stat().st_size:>9,} bytes")
    for name, value in vars(figures(HERE)).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
