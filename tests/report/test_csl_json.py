"""CSL-JSON of the included reports, checked against the CSL input schema's field names.

The property names and types below are those of the CSL 1.0.2 input schema
(citation-style-language/schema, schemas/input/csl-data.json: "required": ["type", "id"],
"additionalProperties": false); only the fields cartsle can fill are spelled out with their types,
the rest of the schema's names are listed so any other key fails.
"""

from __future__ import annotations

import json

import jsonschema

STRING_OR_NUMBER = {"type": ["string", "number"]}
NAME = {
    "type": "object",
    "properties": {name: {"type": "string"} for name in ("family", "given", "literal", "suffix")},
    "additionalProperties": False,
}
DATE = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "items": {"type": "array", "items": STRING_OR_NUMBER, "minItems": 1, "maxItems": 3},
            "minItems": 1,
            "maxItems": 2,
        }
    },
    "additionalProperties": False,
}
TYPES = ["article", "article-journal", "paper-conference", "book", "chapter", "report", "thesis", "webpage"]
OTHER_NAMES = (
    "categories journalAbbreviation shortTitle chair collection-editor compiler composer container-author "
    "contributor curator director editor editorial-director executive-producer interviewer illustrator "
    "organizer original-author performer producer recipient reviewed-author translator accessed "
    "available-date container event-date original-date submitted annote archive archive_collection "
    "archive_location archive-place authority call-number chapter-number citation-number citation-label "
    "collection-number collection-title container-title-short dimensions division edition event "
    "event-place first-reference-note-number genre ISAN ISBN ISCI ISMN ISRC ISSN ISWC jurisdiction "
    "locator medium number number-of-pages number-of-volumes original-publisher "
    "original-publisher-place original-title page-first part part-title PMCID printing publisher "
    "publisher-place references reviewed-title scale section status supplement title-short "
    "translated-title translated-title-short version year-suffix"
).split()
SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": TYPES},
            "id": STRING_OR_NUMBER,
            "author": {"type": "array", "items": NAME},
            "issued": DATE,
            **{
                name: {"type": "string"}
                for name in ("title", "container-title", "DOI", "PMID", "abstract", "language", "keyword")
            },
            **{name: {"type": "string"} for name in ("source", "URL", "note")},
            **{name: STRING_OR_NUMBER for name in ("volume", "issue", "page")},
            "custom": {"type": "object"},
            **{name: {} for name in OTHER_NAMES},
        },
        "required": ["type", "id"],
        "additionalProperties": False,
    },
}


def test_included_reports_as_csl_json_validate_and_carry_the_citation(cli, screened):
    items = json.loads(cli("export", "--included", "--format", "csl-json").stdout)
    jsonschema.validate(items, SCHEMA)
    (item,) = items
    assert item["type"] == "article-journal" and item["id"] == f"cartsle-{screened[0]}"
    assert item["author"] == [{"family": "Author0", "given": "A"}]
    assert item["issued"] == {"date-parts": [[2022]]}
    assert (item["container-title"], item["page"], item["DOI"]) == ("N Engl J Med", "164-178", "10.1000/t.0")
    assert item["keyword"] == "lupus, CAR T, systemic lupus erythematosus"
    assert item["source"] == "PubMed; Embase" and item["URL"] == "https://doi.org/10.1000/t.0"
    assert item["custom"] == {
        "cartsle_record_id": screened[0],
        "cartsle_ta": "include",
        "cartsle_ft": "include",
    }


def test_csl_json_is_not_for_the_whole_deduplicated_set(cli, screened):
    bad = cli("export", "--unique", "--format", "csl-json", ok=False)
    assert bad.exit_code == 1 and "CSL-JSON" in bad.output
