"""Every setting of the action server, read from environment variables in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_OFF = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    timezone: str
    knowledge_dir: Path
    geo_dir: Path
    log_level: str
    tracker_store_url: str  # SQLAlchemy URL of Rasa's SQL tracker store (retention tools)
    retention_days: int
    agenda_file: Path  # agencies, hours and reasons of the agenda (demonstration data)
    reply_timeout_seconds: float  # the REST channel's longest wait before a French excuse
    action_host: str  # the action server's interface: 127.0.0.1 unless told otherwise
    action_port: int
    action_server_token: str  # shared secret between Rasa and the action server
    review_port: int  # the review site (python -m review), on 127.0.0.1 only
    review_token: str  # the review site's secret; python -m review draws one when empty
    review_db_url: str  # the review site's own index of the conversations (SQLAlchemy URL)
    review_nlu_file: Path  # where the review site appends annotated training examples
    diet_numpy: bool  # DIET predicts in NumPy (addons/diet_numpy.py); DIET_NUMPY=0: TensorFlow
    ted_numpy: bool  # TED predicts in NumPy (addons/ted_numpy.py); TED_NUMPY=0: TensorFlow


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Reads the environment once per process (tests call ``get_settings.cache_clear()``)."""
    default_db = f"sqlite:///{PROJECT_ROOT / 'var' / 'assistant.db'}"
    return Settings(
        database_url=os.environ.get("DATABASE_URL", default_db),
        timezone=os.environ.get("ASSISTANT_TIMEZONE", "Europe/Paris"),
        knowledge_dir=Path(os.environ.get("KNOWLEDGE_DIR", PROJECT_ROOT / "data" / "knowledge")),
        geo_dir=Path(os.environ.get("GEO_DIR", PROJECT_ROOT / "data" / "geo")),
        log_level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        tracker_store_url=os.environ.get("TRACKER_STORE_URL")
        or f"sqlite:///{os.environ.get('TRACKER_DB', PROJECT_ROOT / 'var' / 'tracker.db')}",
        retention_days=int(os.environ.get("RETENTION_DAYS", "30")),
        reply_timeout_seconds=float(os.environ.get("REPLY_TIMEOUT_SECONDS", "9")),
        action_host=os.environ.get("ACTION_HOST", "127.0.0.1"),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        action_server_token=os.environ.get("ACTION_SERVER_TOKEN", ""),
        agenda_file=Path(
            os.environ.get("AGENDA_FILE", PROJECT_ROOT / "data" / "agenda" / "agenda.yml")
        ),
        review_port=int(os.environ.get("REVIEW_PORT", "8090")),
        review_token=os.environ.get("REVIEW_TOKEN", ""),
        review_db_url=os.environ.get("REVIEW_DB_URL")
        or f"sqlite:///{PROJECT_ROOT / 'var' / 'review.db'}",
        review_nlu_file=Path(
            os.environ.get("REVIEW_NLU_FILE", PROJECT_ROOT / "data" / "nlu" / "review.yml")
        ),
        diet_numpy=os.environ.get("DIET_NUMPY", "1").strip().lower() not in _OFF,
        ted_numpy=os.environ.get("TED_NUMPY", "1").strip().lower() not in _OFF,
    )
