"""Importing: IEG update notes (and, later, the Council's resolutions) into the database.

- ``decode``: bytes to clean text, dates;
- ``layout``: lines to units, the note's sections;
- ``addressees``: which units are recommendations, and whom each asks to act;
- ``mandate``: the annex that quotes the mandate;
- ``note``: the whole note, parsed (pure: no Django, no database);
- ``suggest``: themes and paragraph links suggested for a recommendation;
- ``save``: the service that writes an import in one transaction.
"""
