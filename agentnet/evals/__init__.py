"""Evaluation: measuring agentnet on benchmark data, kept apart from the product.

Imported only by ``agentnet bench`` (``cli/bench_cmd.py``) and the ``bench/`` scripts; nothing in the
product imports it (``tests/test_layers.py`` checks). ``taskbench`` scores plans as TaskBench does;
``retrieval`` measures directory search; ``split`` holds the fixed train/test split.
"""
