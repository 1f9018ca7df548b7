"""The review site (issue #16): what people ask the assistant and what it misses, for the
people who maintain its content.

    python -m review        # http://127.0.0.1:$REVIEW_PORT (8090), secret REVIEW_TOKEN

- :mod:`review.index` reads the tracker store (Rasa's SQL ``events`` table on SQLite or
  PostgreSQL, or its Redis keys) into an index of its own (``REVIEW_DB_URL``), a little
  at a time: the pages never read the store itself;
- :mod:`review.turns` reads a conversation's events as turns (a message and what the
  assistant did about it), :mod:`review.stats` counts them and answers the pages;
- :mod:`review.masking` hides phone numbers (and NIRs, again) before anything is indexed;
- :mod:`review.annotate` adds a message, with its right intent, to the training data;
- :mod:`review.app` serves the pages (French, Jinja2, charts as inline SVG).

Nothing here imports Rasa, nor the action server's package.
"""
