"""The knowledge base: procedures, organisms, contacts and geography in a SQL database.

Pure package (no Rasa import). ``models`` declares the tables, ``db`` gives the
process-wide engine and sessions, ``loader`` fills the database from
``data/knowledge`` and ``data/geo``, and ``queries`` answers look-ups with frozen
dataclasses.
"""
