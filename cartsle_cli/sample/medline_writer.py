"""PubMed's MEDLINE (.nbib) layout for the sample's PubMed search."""

from __future__ import annotations

from cartsle_cli.sample.variants import SYNTHETIC_NOTE, doi_of, initials, nlm_pages, title_of, wrap
from cartsle_cli.sample.works import Copy

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
PUBLICATION_TYPES = {
    "article": ("Journal Article",),
    "review": ("Journal Article", "Review"),
    "editorial": ("Editorial",),
    "letter": ("Letter",),
    "erratum": ("Published Erratum",),
}
LANGUAGE_CODES = {"English": "eng", "German": "ger", "Chinese": "chi", "French": "fre", "Spanish": "spa"}


def medline_file(copies: list[Copy]) -> str:
    """The whole export: records separated by an empty line, starting with one, as PubMed writes."""
    return "".join("\n" + medline_record(copy) for copy in copies)


def medline_record(copy: Copy) -> str:
    work = copy.work
    journal = work.journal
    assert journal is not None and work.pmid
    doi = doi_of(copy)
    title = title_of(copy)
    title = f"[{title}]." if work.original_title else title.rstrip(".") + "."
    lines = [
        f"PMID- {work.pmid}",
        "OWN - NLM",
        "STAT- MEDLINE" if work.kind != "erratum" else "STAT- PubMed-not-MEDLINE",
        f"IS  - {journal.issn} (Electronic)",
        f"VI  - {work.volume}",
        f"IP  - {work.issue}",
        f"DP  - {work.year} {MONTHS[work.month - 1]}",
        *wrap("TI", title),
    ]
    pages = nlm_pages(work.first_page, work.last_page) if work.first_page and work.last_page else None
    if pages:
        lines.append(f"PG  - {pages}")
    if doi:
        lines.append(f"LID - {doi} [doi]")
    if work.abstract:
        lines += wrap("AB", work.abstract)
    for family, given in work.authors:
        lines += [f"FAU - {family}, {given}", f"AU  - {family} {initials(given, dots=False)}"]
    lines.append(f"LA  - {LANGUAGE_CODES[work.language]}")
    if work.original_title:
        lines.append("LA  - eng")
    lines += wrap("GN", SYNTHETIC_NOTE)
    lines += [f"PT  - {kind}" for kind in PUBLICATION_TYPES.get(work.kind, ("Journal Article",))]
    if work.original_title:
        lines += wrap("TT", work.original_title)
    lines += [f"TA  - {journal.nlm}", f"JT  - {journal.full}"]
    lines += [f"OT  - {keyword}" for keyword in work.keywords]
    lines += [f"EDAT- {work.year}/{work.month:02d}/15 06:00", f"CRDT- {work.year}/{work.month:02d}/14 23:41"]
    if doi:
        lines.append(f"AID - {doi} [doi]")
    source = (
        f"{journal.nlm}. {work.year} {MONTHS[work.month - 1]};{work.volume}({work.issue})"
        + (f":{pages}" if pages else "")
        + "."
    )
    if doi:
        source += f" doi: {doi}."
    lines += ["PST - ppublish", *wrap("SO", source)]
    return "\n".join(lines) + "\n"
