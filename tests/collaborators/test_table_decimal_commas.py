"""A ';'-separated CSV with decimal commas, as spreadsheets in much of Europe save one, through the real
CLI on the default network: its numbers are read with their decimal comma. The table tool read "1,50"
as 150 (the comma taken for a thousands separator) and answered the total of 1,50 + 0,80 + 12,25 with
"1455 (sum of price)"."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.tables import query_table

PRICES = "name;price\napple;1,50\npear;0,80\nfig;12,25\n"


@pytest.mark.usefixtures("agentnet_home")
def test_a_decimal_comma_total_through_the_cli() -> None:
    Path("prices.csv").write_text(PRICES)
    result = ran("What is the total price in prices.csv?")
    assert result["status"] == "succeeded" and result["answer"] == "14.55 (sum of price)", result


@pytest.mark.parametrize(
    ("table", "question", "answer"),
    [(PRICES, "Which name has the highest price?", "fig (max price: 12.25)"),
     ("name;amount\na;1.234,50\nb;2.000,00\n", "What is the total amount?", "3234.5 (sum of amount)"),
     ("item;rate\na;12,5 %\nb;7,5%\n", "What is the average rate?", "10 (mean of rate)"),
     # Every comma before three digits: thousands, as written.
     ("name;amount\na;1,500\nb;2,000\n", "What is the total amount?", "3500 (sum of amount)"),
     # A comma-separated file's quoted "1,200" is twelve hundred.
     ('name,price\napple,1.50\npear,"1,200"\n', "What is the total price?", "1201.5 (sum of price)")],
)  # fmt: skip
def test_decimal_commas_are_told_from_thousands(table: str, question: str, answer: str) -> None:
    assert query_table(table, question).text == answer
