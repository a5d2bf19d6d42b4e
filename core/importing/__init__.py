"""The one import machinery of the platform: file intake and refusals, header matching, cell
parsers, the importer base class (dry run, all-or-nothing batches, bulk audit), the marked file
and the template. Domain apps subclass ``Importer`` in their ``importers.py``."""

from .base import CREATE, UNCHANGED, UPDATE, Importer, Row
from .headers import Column, match_headers, normalise_header
from .intake import open_table
from .parsers import (
    choice_parser,
    mapping_resolver,
    parse_bool,
    parse_code_text,
    parse_date,
    parse_text,
)
from .problems import ERROR, WARNING, CellError, ImportRefused, ImportResult, Problem

__all__ = [
    "CREATE",
    "ERROR",
    "UNCHANGED",
    "UPDATE",
    "WARNING",
    "CellError",
    "Column",
    "ImportRefused",
    "ImportResult",
    "Importer",
    "Problem",
    "Row",
    "choice_parser",
    "mapping_resolver",
    "match_headers",
    "normalise_header",
    "open_table",
    "parse_bool",
    "parse_code_text",
    "parse_date",
    "parse_text",
]
