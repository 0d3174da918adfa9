"""Where a remote model's key comes from: the environment, else ``.env`` files (the working
directory's, then ``$AGENTNET_HOME/.env``), read when needed and held as ``SecretStr``.

Light on purpose (no engine, no LangChain): ``agentnet models list`` and ``agentnet doctor`` say
whether a key is present without importing litellm, and never print it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from agentnet.home import home_dir

if TYPE_CHECKING:
    from agentnet.config import ModelSpec

# The environment variable litellm reads for each provider prefix.
PROVIDER_KEY_ENV = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "groq": "GROQ_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "cohere": "COHERE_API_KEY",
    "cohere_chat": "COHERE_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "xai": "XAI_API_KEY",
    "fireworks_ai": "FIREWORKS_AI_API_KEY",
    "perplexity": "PERPLEXITYAI_API_KEY",
    "huggingface": "HF_TOKEN",
    "azure": "AZURE_API_KEY",
}


def provider_of(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else "openai"


def dotenv_files() -> list[Path]:
    """``.env`` files consulted for keys, most specific first."""
    files = [Path.cwd() / ".env", home_dir() / ".env"]
    return [path for path in files if path.is_file()]


def lookup_secret(name: str) -> SecretStr | None:
    """``name`` from the environment, else from the ``.env`` files; never logged."""
    value = os.environ.get(name)
    if not value:
        from dotenv import dotenv_values

        for path in dotenv_files():
            value = dotenv_values(path).get(name)
            if value:
                break
    return SecretStr(value) if value else None


def key_env_of(spec: ModelSpec) -> str | None:
    """The variable a remote model's key is read from: its ``api_key_env``, else its provider's."""
    if spec.api_key_env:
        return spec.api_key_env
    return PROVIDER_KEY_ENV.get(provider_of(spec.model)) if spec.model else None
