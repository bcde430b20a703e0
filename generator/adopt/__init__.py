"""Adoption: bringing a city's existing 事项清单 in, and auditing how far its regions differ.

Tools for people standardising matters, never imported by the build:

* :mod:`generator.adopt.template` — the spreadsheet layout (sheets and columns), generated
  from the model's field titles: the one source of the template;
* :mod:`generator.adopt.workbook` — reading XLSX and CSV cells as untrusted text, writing XLSX;
* :mod:`generator.adopt.mapping` — mapping files for other column layouts;
* :mod:`generator.adopt.rows` — sheets to matter data, remembering the cell of every value;
* :mod:`generator.adopt.importer` — ``guides import``: validation, canonical matter files;
* :mod:`generator.adopt.regions` — the 实施清单 rows into ``regions.yml``;
* :mod:`generator.adopt.exporter` — ``guides export --xlsx``: the standards in the template;
* :mod:`generator.adopt.audit`, :mod:`generator.adopt.elements`, :mod:`generator.adopt.propose`,
  :mod:`generator.adopt.audit_report` — ``guides audit``: divergences between local versions, a
  unified standard, the report.
"""
