"""`cartsle share` and `cartsle merge`: two reviewers on two machines, each on a copy of the review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartsle_cli.cli.common import DEFAULT_DB, DbOption, print_json, print_table, review, say
from cartsle_cli.sharing.copy import share_review
from cartsle_cli.sharing.merge import MergeResult, merge_copy

KIND_NAMES = {
    "screening_decisions": "screening votes and resolutions",
    "dedup_decisions": "dedup decisions",
    "fulltext_status": "full-text status",
    "extract_loads": "extraction loads",
    "extract_resolutions": "extraction resolutions",
    "appraisal_loads": "appraisal loads",
    "appraisal_resolutions": "appraisal resolutions",
    "grade_judgements": "GRADE judgements",
    "grade_comments": "GRADE comments",
    "study_reports": "reports linked to a study",
}


def share_command(
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who the copy is for.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the copy (must not exist).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write a blind copy of the review for one reviewer, to work on elsewhere and merge back.

    Example: cartsle share --reviewer B --out review-for-B.db
    """
    with review(db) as conn:
        share = share_review(conn, reviewer, out)
    say(
        f"wrote {share.path} for {share.reviewer} (share {share.share_id}); removed from it"
        f" {share.removed_votes} votes and {share.removed_appraisals} appraisal loads of others"
        " it may not see yet; bring it back with `cartsle merge`",
        err=True,
    )


def merge_command(
    copy: Annotated[Path, typer.Argument(help="A copy written by `cartsle share`.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Bring back everything done in a shared copy; merging it again adds nothing.

    Example: cartsle merge review-for-B.db --dry-run
    """
    with review(db) as conn:
        result = merge_copy(conn, copy, dry_run=dry_run)
    _print(result, as_json)


def _print(result: MergeResult, as_json: bool) -> None:
    rows = [[KIND_NAMES[kind], count] for kind, count in result.added.items()]
    rows.append(["undos of earlier votes", result.undone])
    if as_json:
        print_json(
            {
                "reviewer": result.reviewer,
                "share_id": result.share_id,
                "dry_run": result.dry_run,
                "added": {row[0]: row[1] for row in rows},
                "study_links_kept": result.links_kept,
            }
        )
    else:
        verb = "would add" if result.dry_run else "added"
        print_table(f"merge of {result.reviewer}'s copy", ["kind", verb], rows)
    if result.links_kept:
        say(
            f"{result.links_kept} reports the copy links to another study than this review does were left"
            " as they are here: `cartsle screen studies` shows them, `cartsle screen link` moves a report",
            err=True,
        )
    if result.dry_run:
        say("dry run: nothing written", err=True)
