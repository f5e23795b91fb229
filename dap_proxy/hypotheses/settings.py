"""AI settings: whether the optional Anthropic engine runs, and how (issue 4; DESIGN.md launch config
`smartDebug.ai`). Off unless the user chose `ai: "anthropic"` AND an API key is configured.
The key and base URL come from ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL when not given.
A call waits at most about (max_retries + 1) x timeout_s, plus the SDK's short backoff between
tries (timeout_s bounds each connect/read, so a reply trickling in could take longer)."""

from __future__ import annotations

import os
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

DEFAULT_MODEL = "claude-sonnet-5-5"  # a current, non-deprecated model of anthropic 2.14's list
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_RETRIES = 1  # the SDK's own retry (connection errors, 408/409/429/5xx), bounded


def _env_key() -> SecretStr | None:
    value = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    return SecretStr(value) if value else None


def _env_base_url() -> str | None:
    return os.environ.get("ANTHROPIC_BASE_URL", "").strip() or None


class AiMode(str, Enum):
    OFF = "off"
    ANTHROPIC = "anthropic"


class AiSettings(BaseModel):
    """`AiSettings(mode="anthropic")` reads the key from the environment; `enabled` says if it runs.
    Also accepts the launch config's spelling: `AiSettings.model_validate({"ai": "anthropic"})`."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    mode: AiMode = Field(default=AiMode.OFF, alias="ai")
    api_key: SecretStr | None = Field(default_factory=_env_key)  # never printed in repr/logs
    base_url: str | None = Field(default_factory=_env_base_url)
    model: str = DEFAULT_MODEL
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0, le=600)
    max_retries: int = Field(default=DEFAULT_MAX_RETRIES, ge=0, le=5)
    max_tokens: int = Field(default=4096, ge=256, le=32_000)
    max_hypotheses: int = Field(default=5, ge=1, le=10)  # how many the AI may add

    @field_validator("api_key", mode="before")
    @classmethod
    def _blank_key_is_no_key(cls, value: object) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        return None if isinstance(raw, str) and not raw.strip() else value

    @property
    def enabled(self) -> bool:
        return self.mode == AiMode.ANTHROPIC and self.api_key is not None

    @property
    def disabled_reason(self) -> str | None:
        """Why the engine will not run, for the user; None when it is enabled."""
        if self.mode != AiMode.ANTHROPIC:
            return 'AI off (set smartDebug.ai to "anthropic" to use it)'
        if self.api_key is None:
            return "AI off: no API key (set ANTHROPIC_API_KEY)"
        return None
