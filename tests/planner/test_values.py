"""Argument values copied from the request for API-style tools (planner/values.py): each parameter
gets a span of the kind its name, type and description ask for. Real cards and draft.link; no
embedder, no model."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.importers import load_cards
from agentnet.evals import taskbench
from agentnet.planner import draft, value_spans, values
from agentnet.planner.extract import artifacts, clauses
from agentnet.planner.inputs import whole_request
from agentnet.planner.plan import Plan, Step

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cards() -> dict[str, CapabilityCard]:
    """Two API tool lists in different styles (the second's descriptions are terser)."""
    found = load_cards(DATA / "tools_api.json") + load_cards(DATA / "tools_api_daily.json")
    return {card.name or card.id: card for card in found}


def filled(cards: dict[str, CapabilityCard], tools: list[str], clauses: list[str], task: str) -> list[Step]:
    picks = [draft.Pick(cards[tool], clause, 0.5) for tool, clause in zip(tools, clauses, strict=True)]
    steps = draft.link(picks, artifacts(task), task)
    values.fill(steps, {card.id: card for card in cards.values()}, task)
    return steps


def arguments(step: Step) -> dict[str | None, object]:
    return {item.name: f"<{item.step}>" if item.kind == "step" else item.value for item in step.inputs}


def test_parameters_take_the_spans_their_kind_asks_for(cards: dict[str, CapabilityCard]) -> None:
    task = "What is the weather going to be in Berlin on 2024-05-02?"
    (weather,) = filled(cards, ["get_weather"], [task], task)
    assert arguments(weather) == {"location": "Berlin", "date": "2024-05-02"}
    task = "Book a table at Luigi's on Friday"
    assert arguments(filled(cards, ["book_restaurant"], [task], task)[0]) == {"restaurant": "Luigi's", "date": "Friday"}
    # The name says one kind, the description another: a phone number when there is one, else a name.
    assert value_spans.kinds_of({"name": "phone_number", "type": "string", "desc": "The number or contact"}) == [
        "phone",
        "number",
        "name",
    ]
    task = "Book a taxi to Heathrow at 7:15"
    assert arguments(filled(cards, ["order_taxi"], [task], task)[0]) == {"location": "Heathrow", "time": "7:15"}
    task = "Text 555-0142 that I am running late"
    sms = filled(cards, ["send_sms"], [task], task)[0]
    # Content with no quoted passage: what the clause reports as said.
    assert arguments(sms) == {"phone_number": "555-0142", "content": "I am running late"}
    # A quoted passage keeps its own full stop.
    task = "Send 555-0142 the text 'See you at eight.' please"
    assert arguments(filled(cards, ["send_sms"], [task], task)[0])["content"] == "See you at eight."
    # A parameter named for a year takes one, not a date's.
    task = "I fly to Rome on May 3rd, 2024. Also, could you do my tax return for 2023?"
    clauses = ["I fly to Rome on May 3rd, 2024", "could you do my tax return for 2023"]
    assert arguments(filled(cards, ["book_flight", "do_tax_return"], clauses, task)[1])["year"] == "2023"
    # A parameter no kind fits takes the file or the quoted passage its own clause names.
    task = "I loved 'Dune'. Could you play the movie 'Alien' and then play theme.mp3 for me?"
    clauses = ["Could you play the movie the quoted text", "then play theme.mp3 for me"]
    movie, song = filled(cards, ["play_movie_by_title", "play_music_by_title"], clauses, task)
    assert arguments(movie) == {"title": "Alien"}
    assert arguments(song)["title"] == "theme.mp3"
    # A possessive before what is owned names the owner; one standing alone is the name.
    task = "Book a table at Marco's place this Friday"
    assert arguments(filled(cards, ["book_restaurant"], [task], task)[0])["restaurant"] == "Marco"


def test_an_earlier_output_feeds_the_content_and_the_rest_comes_from_the_request(
    cards: dict[str, CapabilityCard],
) -> None:
    task = "Get the weather in Oslo tomorrow and email it to kari@example.org"
    weather, email = filled(cards, ["get_weather", "send_email"], ["Get the weather in Oslo tomorrow",
                                                                    "email it to kari@example.org"], task)  # fmt: skip
    assert arguments(weather) == {"location": "Oslo", "date": "tomorrow"}
    assert arguments(email) == {"email_address": "kari@example.org", "content": f"<{weather.id}>"}


def test_what_no_kind_fits_or_the_request_lacks_keeps_the_clause(cards: dict[str, CapabilityCard]) -> None:
    task = "buy some shares of the usual company"
    (trade,) = filled(cards, ["stock_operation"], [task], task)
    # The operation's description lists its options ("buy or sell"): the one the request names.
    assert arguments(trade) == {"stock": task, "operation": "buy"}


def described(card: CapabilityCard, **descs: str) -> CapabilityCard:
    """The card with some parameters described (or typed, ``name="type:date"``) as a richer tool list would."""
    params = []
    for param in card.parameters:
        change = descs.get(param["name"], "")
        key, _, value = change.partition(":") if change.startswith("type:") else ("desc", "", change)
        params.append({**param, key: value} if change else dict(param))
    return card.model_copy(update={"parameters": params})


def test_a_value_is_written_as_the_parameter_asks(cards: dict[str, CapabilityCard]) -> None:
    # A parameter typed date takes the ISO form when the request gives the year; without one it stays as written.
    typed = {**cards, "get_weather": described(cards["get_weather"], date="type:date")}
    task = "What will the weather be in Oslo on May 1st, 2023?"
    assert arguments(filled(typed, ["get_weather"], [task], task)[0]) == {"location": "Oslo", "date": "2023-05-01"}
    task = "What will the weather be in Oslo on the 25th of May 2023?"
    assert arguments(filled(typed, ["get_weather"], [task], task)[0])["date"] == "2023-05-25"
    task = "What will the weather be in Oslo on May 1st?"
    assert arguments(filled(typed, ["get_weather"], [task], task)[0])["date"] == "May 1st"
    # An example the description lists is the value, named as a word or a form of it.
    listed = {**cards, "online_shopping": described(cards["online_shopping"], website="The store, eg. Ebay, Etsy etc.")}
    task = "I'm after a used guitar. Can you find me one on ebay?"
    assert arguments(filled(listed, ["online_shopping"], [task], task)[0])["website"] == "Ebay"
    # An option one parameter takes is not another's name.
    shop = described(listed["online_shopping"], product="The product's name")
    listed["online_shopping"] = shop.model_copy(update={"parameters": shop.parameters[::-1]})
    task = "Can you find on Ebay a Fender Stratocaster?"
    assert arguments(filled(listed, ["online_shopping"], [task], task)[0]) == {
        "website": "Ebay",
        "product": "Fender Stratocaster",
    }
    traded = {**cards, "stock_operation": described(cards["stock_operation"], operation="eg. buy, sell, short etc.")}
    task = "Could you help me with selling my Tesla shares?"
    assert arguments(filled(traded, ["stock_operation"], [task], task)[0])["operation"] == "sell"
    # A capitalised pronoun, a contraction, a month or a sentence's first word is not a name; a house number is.
    task = "It looks like I'll be in Tromso on Friday. Can you rent me a car there?"
    assert arguments(filled(cards, ["book_car"], [task], task)[0]) == {"location": "Tromso", "date": "Friday"}
    task = "I need a taxi to 221 Baker Street at 7:15"
    assert arguments(filled(cards, ["order_taxi"], [task], task)[0])["location"] == "221 Baker Street"
    task = "Please fetch the weather in New York. Also, I would like a car there in December."
    assert arguments(filled(cards, ["get_weather"], [task], task)[0])["location"] == "New York"
    task = "I'm off soon. Could you get the weather in Paris?"
    assert arguments(filled(cards, ["get_weather"], [task], task)[0])["location"] == "Paris"


def test_an_earlier_output_fills_only_what_the_request_does_not_state(cards: dict[str, CapabilityCard]) -> None:
    # A step after another, its time written in the request: the time is the request's, the order stays.
    task = "Play the song 'Yesterday' and then set an alarm for 7:30."
    song, alarm = filled(cards, ["play_music_by_title", "set_alarm"], ["Play the song 'Yesterday'",
                                                                       "then set an alarm for 7:30"], task)  # fmt: skip
    assert arguments(alarm) == {"time": "7:30", None: f"<{song.id}>"}
    assert alarm.depends_on == [song.id]
    prediction = taskbench.to_prediction("x", Plan(task=task, steps=[song, alarm]), {}, "api")
    assert prediction["task_nodes"][1]["arguments"] == [{"name": "time", "value": "7:30"}]
    assert prediction["task_links"] == [{"source": "play_music_by_title", "target": "set_alarm"}]
    # The request names no number to call: the earlier step's output is the number.
    task = "Look up the plumber's number and call it."
    search, call = filled(cards, ["search_by_engine", "make_call"], ["Look up the plumber's number", "call it"], task)
    assert arguments(call) == {"phone_number": f"<{search.id}>"}


def test_a_value_from_the_request_survives_a_one_step_plan(cards: dict[str, CapabilityCard]) -> None:
    task = "Could you set up a video call with my sister at 555-123-4567?"
    (call,) = filled(cards, ["make_video_call"], [task], task)
    whole_request(call, task, artifacts(task))
    assert arguments(call) == {"phone_number": "555-123-4567"}


def test_an_abbreviation_neither_ends_a_sentence_nor_cuts_a_name(cards: dict[str, CapabilityCard]) -> None:
    """Clauses come from extract.clauses, as the planner cuts them: "Dr." and "St." stay in the name;
    a name closed by "St." ends where the next sentence starts."""
    called = {**cards, "make_call": described(cards["make_call"], phone_number="The number or contact")}
    task = "Please call Dr. Smith tomorrow"
    (call,) = filled(called, ["make_call"], clauses(task), task)
    assert arguments(call) == {"phone_number": "Dr. Smith"}
    task = "Could you order a taxi to St. Mary's Hospital at 7:15?"
    assert arguments(filled(cards, ["order_taxi"], clauses(task), task)[0]) == {
        "location": "St. Mary's Hospital",
        "time": "7:15",
    }
    task = "I have a meeting at 123 Main St. Could you order a taxi there for 9:30?"
    assert arguments(filled(cards, ["order_taxi"], clauses(task), task)[0])["location"] == "123 Main St"
    task = "Please send the box to 123 Main St. San Francisco, CA 94016."
    assert arguments(filled(cards, ["deliver_package"], clauses(task)[:1], task)[0])["destination"] == (
        "123 Main St. San Francisco"
    )
    # One capitalised word after an abbreviation's full stop is a name, not a sentence's first word.
    assert value_spans.spans("Stream Arsenal vs. Chelsea tonight", "name") == ["Arsenal", "Chelsea"]
    # A name runs on across its initials.
    assert value_spans.spans("Book a table for J. K. Rowling at noon", "name") == ["J. K. Rowling"]
    assert value_spans.spans("Who was Franklin D. Roosevelt? Tell me.", "name") == ["Franklin D. Roosevelt"]


BENCH = Path(__file__).parents[2] / "bench" / "data"


def test_an_amount_of_money_keeps_its_currency() -> None:
    """Real tool lists (bench office and dailylifeapis): an amount parameter takes the number with its
    currency, written one way (money.py); a number-typed one the number; a currency parameter the code."""
    office = {card.name or card.id: card for card in load_cards(BENCH / "office" / "tools.json")}
    for task, amount in [
        ("Invoice Globex for $1,200.50", "1200.50 USD"),
        ("Invoice Globex for €20", "20 EUR"),
        ("Invoice Globex for 25 USD", "25 USD"),
        ("Invoice Globex for 100 dollars", "100 USD"),
        ("Invoice Globex for 300", "300"),
    ]:
        assert arguments(filled(office, ["create_invoice"], [task], task)[0]) == {"client": "Globex", "amount": amount}
    task = "How much is $1,200.50 in euros?"
    assert arguments(filled(office, ["convert_currency"], [task], task)[0]) == {
        "amount": "1200.50",
        "from_currency": "USD",
        "to_currency": "EUR",
    }
    # Only the currency converted to is named: the other parameter keeps the clause (no value).
    task = "Convert it to Swiss francs"
    converted = arguments(filled(office, ["convert_currency"], [task], task)[0])
    assert (converted["from_currency"], converted["to_currency"]) == (task, "CHF")
    # A price is neither a file name ("99.99") nor an amount a place ("25 USD").
    daily = {card.name or card.id: card for card in load_cards(BENCH / "dailylifeapis" / "tools.json")}
    task = "Buy a pair of headphones for $99.99 on Amazon"
    assert arguments(filled(daily, ["online_shopping"], [task], task)[0]) == {"website": "Amazon", "product": task}
    task = "Order a pizza for 25 USD from Uber Eats to 5 Oak Road"
    assert arguments(filled(daily, ["order_food_delivery"], [task], task)[0])["location"] == "5 Oak Road"


FIND_FILES = CapabilityCard(
    id="find_files",
    description="Find the files in a directory whose names match a glob pattern",
    parameters=[
        {"name": "pattern", "type": "string", "desc": "A glob pattern such as *.txt"},
        {"name": "directory", "type": "string", "desc": "The directory to search"},
    ],
)


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        # The quoted word follows the second parameter's name: it was given to the first.
        ("Find the files in the directory 'scratch'", {"directory": "scratch"}),
        ("Find the files in the 'scratch' directory", {"directory": "scratch"}),
        (
            "Find the files in the directory 'scratch' matching the pattern '*.md'",
            {"directory": "scratch", "pattern": "*.md"},
        ),
        # One passage named, the other goes to the parameter left.
        ("Find files matching '*.md' in the directory 'scratch'", {"directory": "scratch", "pattern": "*.md"}),
        # Named for neither: the tool's object, which an API names first.
        ("Find the files called 'notes'", {"pattern": "notes"}),
    ],
)
def test_a_quoted_passage_goes_to_the_parameter_its_clause_names(task: str, expected: dict[str, str]) -> None:
    """Two parameters no kind fits: the passage goes to the one a word beside it names, one named for
    neither to the first parameter left (the rest keep the clause: no value)."""
    (step,) = filled({"find_files": FIND_FILES}, ["find_files"], [clauses(task)[0]], task)
    given = {name: value for name, value in arguments(step).items() if value != step.instruction}
    assert given == expected, arguments(step)


def test_a_parameters_name_outweighs_another_parameters_description() -> None:
    # A parameter's name outweighs another's description: "The legal issue to consult the lawyer for"
    # is the issue, and "with lawyer 'John Doe'" names the lawyer.
    daily = {card.name or card.id: card for card in load_cards(BENCH / "dailylifeapis" / "tools.json")}
    task = "Please arrange a consultation with lawyer 'John Doe' about a contract"
    (consult,) = filled(daily, ["consult_lawyer_online"], [clauses(task)[0]], task)
    assert arguments(consult) == {"issue": consult.instruction, "lawyer": "John Doe"}


def test_a_value_the_parameters_name_stands_before_is_its_own(cards: dict[str, CapabilityCard]) -> None:
    """Two names for book_flight(date, from, to): by order, "to Rome from Oslo" flew from Rome. The
    clause's own words decide; the whole request's do not (it names other steps' values too)."""
    for task in ("Book a flight to Rome from Oslo on Friday", "Book a flight from Oslo to Rome on Friday"):
        (flight,) = filled(cards, ["book_flight"], [task], task)
        assert arguments(flight) == {"date": "Friday", "from": "Oslo", "to": "Rome"}, task
    task = "I am flying to Lima soon. Book a flight from Oslo to Rome on Friday"
    (flight,) = filled(cards, ["book_flight"], ["Book a flight from Oslo to Rome on Friday"], task)
    assert arguments(flight)["to"] == "Rome"


def test_a_value_a_description_quotes_says_nothing_of_the_parameters_kind() -> None:
    """The calculator's context, "Data the numbers may come from (a receipt, a table): its labelled
    values ('Total 45.90') can be named in the expression", read as an amount of money for the
    quoted "Total": every number of a question became the data ("15" of "What is 15% of 240?"), and
    "multiply that number by 4" after a word count took "4" in place of the count."""
    from agentnet.collaborators import cards as bundled
    from agentnet.collaborators.calculator import calculate
    from agentnet.nodes.signature import with_parameters

    card = with_parameters(bundled.CALCULATOR, calculate)
    (context,) = card.parameters
    assert value_spans.kinds_of(context) == []
    task = "What is 15% of 240?"
    (step,) = filled({"calculator": card}, ["calculator"], [task], task)
    assert arguments(step) == {"context": step.instruction}  # no value: the step's input, if any
    # A word outside the quotes still says the kind.
    assert value_spans.kinds_of({"name": "value", "desc": "The amount to pay, e.g. '12 USD'"}) == ["money", "number"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What time is it in Asia/Tokyo?", ["Asia/Tokyo"]),
        ("Convert 14:30 from America/New_York to Europe/London", ["America/New_York", "Europe/London"]),
        ("Convert 9am Los Angeles time to Tokyo time", ["America/Los_Angeles", "Asia/Tokyo"]),
        ("Schedule it at 3pm UTC", ["UTC"]),
        ("Ask Paris Hilton about it", []),  # a person, not the city
    ],
)
def test_a_time_zone_is_read_as_its_iana_name(text: str, expected: list[str]) -> None:
    from agentnet.planner.timezones import zones

    assert zones(text) == expected
