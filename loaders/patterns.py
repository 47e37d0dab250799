"""The typed contract of loaders/data/patterns.json: every key the rules read, nothing else.

A missing file, a JSON syntax error, an unknown or missing key, a value of the wrong type or a
regular expression that does not compile is a `DataFileError` naming the file, the line and the
key — the same for the other data files (loaders.resources).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graph.errors import FulianError

Words = list[str]


class DataFileError(FulianError, ValueError):
    """A rule or lexicon data file that cannot be used; the message names the file and line."""


class Patterns(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    doc: str = Field(alias="_doc")
    # federations
    federation_suffixes: Words
    contextual_levels: dict[str, str]
    generic_federation_prefix_chars: str
    zone_words: Words
    organ_body_re: str
    unit_federation_suffixes: Words
    unit_name_cut_chars: str
    unit_reject_words: Words
    issuer_media_words: Words  # a paper or media centre whose place is a short form's (永州日报)
    issuer_own_area_prefixes: Words  # 全市 / 我市 / 本市: the text speaks of its own place
    # campaigns
    campaign_suffixes: Words
    weak_campaign_suffixes: Words
    generic_tails: Words
    leading_modifiers: Words
    campaign_vague_words: Words
    campaign_reject_heads: Words
    campaign_reject_contains: Words
    boundary_words: Words
    quote_anchor_after: Words
    plain_activity_reject_words: Words
    duration_tails: Words
    quote_formula_patterns: Words
    quote_metaphor_before: Words
    quote_reject_after_re: str
    quote_location_re: str
    quote_location_after: Words
    quote_object_before: Words
    quote_slogan_verbs: Words
    award_tails: Words
    suffix_verb_after: dict[str, Words]
    list_collective_re: str
    list_activity_re: str
    list_item_cut: Words
    list_item_lead: Words
    # laws
    law_suffixes: Words
    law_pattern_suffixes: Words
    book_markers: Words
    law_prefix_drop: Words
    law_modifiers: Words
    five_year_periods: dict[str, list[int]]
    # departments
    partner_dept_prefixes: Words
    partner_dept_suffixes: Words
    partner_dept_reject: Words
    partner_body_re: str
    partner_body_reject: Words
    partner_body_prefix_re: str
    government_office_prefix_re: str
    joint_host_words: Words
    lead_table_headers: Words
    table_content_headers: Words
    table_key_headers: Words
    # persons
    person_titles: Words
    person_roles: Words
    person_roles_leading: Words
    person_reporter_roles: Words
    person_after_words: Words
    person_strong_after: Words
    person_count_re: str
    person_nonname_chars: str
    person_bullets: str
    person_table_headers: Words
    title_run_words: Words
    # relations
    implements_triggers: Words
    non_implements_markers: Words
    doer_triggers: Words
    passive_doer_verbs: Words
    coordinates_triggers: Words
    list_separators: Words
    authoring_words: Words
    basis_words: Words
    place_subject_markers: Words
    notice_markers: Words
    recipient_line_prefixes: Words
    lead_words: Words
    quant_units: str
    # documents
    document_kinds: dict[str, Words]
    # variant families (loaders.variants: VARIANT_OF between campaigns)
    variant_min_root_chars: int = Field(ge=2)  # shorter roots (巾帼, 两癌) are substrings by accident
    variant_separators: Words  # split a name into segments (巾帼心向党·喜迎二十大)

    @field_validator("organ_body_re", "quote_reject_after_re", "quote_location_re", "list_collective_re",
                     "list_activity_re", "partner_body_re", "partner_body_prefix_re", "government_office_prefix_re", "person_count_re")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a regular expression ({e})") from e
        return v

    @field_validator("quote_formula_patterns")
    @classmethod
    def _all_compile(cls, v: Words) -> Words:
        for x in v:
            cls._compiles(x)
        return v

    @field_validator("document_kinds")
    @classmethod
    def _kinds(cls, v: dict[str, Words]) -> dict[str, Words]:
        need = {"plan_title", "report_title", "report_opening", "notice_title", "plan_opening"}
        if set(v) != need:
            raise ValueError(f"needs exactly the keys {', '.join(sorted(need))}")
        return v


def _line_of(text: str, key: str) -> Optional[int]:
    m = re.search(r'^\s*"' + re.escape(key) + r'"\s*:', text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def load_patterns(path: Path) -> dict:
    """patterns.json, validated against `Patterns`; returned as the plain dict the rules read."""
    if not path.exists():
        raise DataFileError(f"{path}: missing data file: restore it from the project (git checkout -- {path.name})")
    text = path.read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataFileError(f"{path}:{e.lineno}:{e.colno}: not valid JSON ({e.msg})") from e
    if not isinstance(raw, dict):
        raise DataFileError(f"{path}:1: expected an object of named word lists")
    known = {f.alias or name for name, f in Patterns.model_fields.items()}
    unknown = sorted(set(raw) - known)
    if unknown:  # a renamed key reads as unknown here rather than as the missing one
        raise DataFileError(f"{path}:{_line_of(text, unknown[0])}: {unknown[0]}: unknown key "
                            "(a typo, or a rule that no longer reads it)")
    try:
        model = Patterns.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        line = _line_of(text, key)
        where = f"{path}:{line}" if line else str(path)
        what = "unknown key (a typo, or a rule that no longer reads it)" if err["type"] == "extra_forbidden" else err["msg"]
        raise DataFileError(f"{where}: {key}: {what}") from e
    return model.model_dump(by_alias=True)
