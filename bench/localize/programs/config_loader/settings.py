"""Application settings read from the config, with defaults for everything optional."""

from dataclasses import dataclass

from config import Config


@dataclass
class Settings:
    db_url: str
    pool_size: int
    log_level: str
    debug: bool


def load(text: str) -> Settings:
    config = Config(text)
    db = config.section("database")
    host = db.get("host", "localhost")
    port = int(db.get("port", "5432"))
    name = db.get("name", "app")
    logging = config.section("logging")
    return Settings(
        db_url=f"postgresql://{host}:{port}/{name}",
        pool_size=int(db.get("pool", "5")),
        log_level=logging.get("level", "INFO").upper(),
        debug=config.get_bool("app", "debug"),
    )
