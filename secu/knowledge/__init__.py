"""The knowledge base: procedures, organisms, contacts and departments in a SQL database.

Pure package (no Rasa import). ``models`` declares the tables, ``db`` gives the
process-wide engine and sessions, ``loader`` (with ``checks``, ``records``,
``read_procedures``, ``read_bodies``) fills the database from ``data/knowledge`` and
``data/geo/departments.csv``, ``queries`` (SQL in ``statements``) answers look-ups with
frozen dataclasses, and ``render`` turns records into answers of data/knowledge/answers/.
"""
