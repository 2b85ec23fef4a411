"""Importing: IEG update notes (and, later, the Council's resolutions) into the database.

- ``decode``: bytes to clean text, dates (a PDF goes through ``pdf``);
- ``pdf``: a note's PDF to text: lines, paragraphs, no page furniture or footnote text;
- ``layout``: lines to units, the note's sections;
- ``addressees``: which units are recommendations, and whom each asks to act;
- ``mandate``: the annex that quotes the mandate;
- ``note``: the whole note, parsed (pure: no Django, no database);
- ``suggest``: themes suggested for a recommendation;
- ``links``: paragraph links: cited paragraphs first, else BM25 over the annex
  (quality on the gold: ``benchmarks/link_quality.py``);
- ``save``: the service that writes an import in one transaction.
"""
