"""Recipes: declarative multi-model workflows in YAML, compiled to the executor's LangGraph graphs."""

from agentnet.recipes.program import RecipeProgram, RecipeResult, check_recipe, recipe_dirs
from agentnet.recipes.schema import Recipe, recipe_json_schema
from agentnet.recipes.validate import Checked, check_text

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
