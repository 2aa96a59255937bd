"""embase.com RIS and Cochrane Library (CENTRAL) RIS layouts for the sample's searches."""

from __future__ import annotations

from cartsle_cli.sample.variants import SYNTHETIC_NOTE, document_type, doi_of, initials, title_case, title_of
from cartsle_cli.sample.works import Copy

BOM = "\ufeff"  # embase.com RIS downloads may start with a UTF-8 byte order mark


def embase_file(copies: list[Copy]) -> str:
    return BOM + "".join(embase_record(copy) + "\n" for copy in copies)


def embase_record(copy: Copy) -> str:
    """One record in embase.com's RIS order: type, year, journal, ids, links, authors, title, text."""
    work = copy.work
    journal = work.journal
    assert journal is not None
    own_id = work.ids["embase#2" if copy.repeat else "embase"]
    in_press = copy.repeat == 1 and work.kind == "article"  # a second record: in press, then final
    lines = [
        "TY  - JOUR",
        f"M3  - {'Article in Press' if in_press else document_type(work)}",
        f"Y1  - {work.year}",
    ]
    if not in_press:
        lines += [f"VL  - {work.volume}", f"IS  - {work.issue}"]
        if work.first_page:
            lines.append(f"SP  - {work.first_page}")
        if work.last_page:
            lines.append(f"EP  - {work.last_page}")
    lines += [f"SN  - {journal.issn}", f"JF  - {title_case(journal.full)}", f"JO  - {journal.dotted}"]
    if work.conference:
        lines.append(f"T2  - {work.conference}")
    lines += [
        f"UR  - https://www.embase.com/search/results?subaction=viewrecord&id={own_id}&from=export",
        f"U2  - {own_id}",
    ]
    if work.pmid and not in_press:
        lines.append(f"C5  - {work.pmid}")
    lines.append("DB  - Embase")
    if work.pmid:
        lines.append("DB  - Medline")
    lines.append(f"U3  - {work.year}-{work.month:02d}-20")
    doi = doi_of(copy)
    if doi:
        lines += [f"L2  - http://dx.doi.org/{doi}", f"DO  - {doi}"]
    lines += [f"A1  - {family}, {initials(given, dots=True)}" for family, given in work.authors]
    lines += [f"T1  - {title_of(copy)}", f"LA  - {work.language}"]
    lines += [f"KW  - {keyword.lower()}" for keyword in work.keywords]
    if work.abstract:
        lines.append(f"N2  - {work.abstract}")
    lines += [f"N1  - {SYNTHETIC_NOTE}", "ER  - "]
    return "\n".join(lines) + "\n"


def central_file(copies: list[Copy]) -> str:
    total = len(copies)
    return "".join(central_record(copy, number, total) + "\n" for number, copy in enumerate(copies, start=1))


def central_record(copy: Copy, number: int, total: int) -> str:
    """One Cochrane Library record: the provider block, then tags with the extra space, ``TY  -  ``."""
    work = copy.work
    own_id = work.ids["central#2" if copy.repeat else "central"]
    lines = [
        f"Record #{number} of {total}",
        "Provider: John Wiley & Sons, Ltd.",
        'Content: text/plain; charset="UTF-8"',
        "",
        "TY  -  JOUR",
        f"AN  -  {own_id}",
    ]
    if work.kind == "registry":
        lines += [
            f"AU  -  {work.nct}",
            f"TI  -  {work.title}",
            f"JA  -  https://clinicaltrials.gov/show/{work.nct}",
            f"PY  -  {work.year}",
            "M3  -  Trial registry record",
            f"KW  -  {work.keywords[0]}",
        ]
    else:
        journal = work.journal
        assert journal is not None
        lines += [f"AU  -  {family}, {initials(given, dots=False)}" for family, given in work.authors]
        lines += [
            f"TI  -  {title_of(copy)}",
            f"JA  -  {journal.nlm}",
            f"PY  -  {work.year}",
            f"VL  -  {work.volume}",
            f"IS  -  {work.issue}",
        ]
        if work.first_page:
            pages = f"{work.first_page}\u2010{work.last_page}" if work.last_page else str(work.first_page)
            lines.append(f"SP  -  {pages}")
        links = ([f"PUBMED {work.pmid}"] if work.pmid and not copy.repeat else []) + (
            [f"EMBASE {work.ids['embase'][1:]}"] if "embase" in work.ids else []
        )
        if links:
            lines.append(f"C3  -  {','.join(links)}")
        lines.append(f"M3  -  {'Conference proceeding' if work.kind == 'conference' else 'Journal article'}")
        lines += [f"KW  -  {keyword}" for keyword in work.keywords]
        doi = doi_of(copy)
        if doi:
            lines.append(f"DO  -  {doi}")
        if work.abstract:
            lines.append(f"AB  -  {work.abstract}")
    lines += [
        f"UR  -  https://www.cochranelibrary.com/central/doi/10.1002/central/{own_id}/full",
        f"N1  -  {SYNTHETIC_NOTE}",
        "ER  -  ",
    ]
    return "\n".join(lines) + "\n"
