"""Recipes: declarative multi-model workflows in YAML, compiled to the executor's LangGraph graphs.

The schema and the validator import nothing heavy, so checking a recipe is quick; the runtime parts
(``RecipeProgram``, ``RecipeResult``) load the executor on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentnet.recipes.schema import Recipe, recipe_json_schema
from agentnet.recipes.validate import Checked, check_text

if TYPE_CHECKING:
    from agentnet.recipes.program import RecipeProgram, RecipeResult, check_recipe, recipe_dirs

_LAZY = {"RecipeProgram", "RecipeResult", "check_recipe", "recipe_dirs"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from agentnet.recipes import program

        return getattr(program, name)
    raise AttributeError(f"module 'agentnet.recipes' has no attribute {name!r}")


__all__ = [
    "Checked",
    "Recipe",
    "RecipeProgram",
    "RecipeResult",
    "check_recipe",
    "check_text",
    "recipe_dirs",
    "recipe_json_schema",
]
