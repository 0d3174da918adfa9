"""Reading a task without a model: artifacts, clauses, and which clauses only set the scene."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from agentnet.directory.entries import readable_name
from agentnet.directory.importers import load_cards
from agentnet.directory.inmemory import InMemorySource
from agentnet.planner.cases import penalised
from agentnet.planner.extract import artifacts, clauses, mask_quotes
from agentnet.planner.planner import Planner
from agentnet.planner.scene import sets_scene
from agentnet.planner.sentences import spelled_out, split
from agentnet.planner.tuning import PlannerTuning

DATA = Path(__file__).parent / "data"


def test_artifacts_are_typed_by_their_form() -> None:
    found = artifacts("Caption photo.JPG, fetch https://example.org/a and read 'hello there' aloud")
    assert [(a.value, a.type) for a in found] == [
        ("photo.JPG", "image"),
        ("https://example.org/a", "url"),
        ("hello there", "text"),
    ]


def test_a_file_name_may_come_with_its_folders() -> None:
    found = artifacts("read docs/plan.txt, ./a.txt, ~/notes.md and /tmp/x.csv, not www.site.com/img/cat.jpg")
    assert [(a.value, a.type) for a in found] == [
        ("docs/plan.txt", "text"),
        ("./a.txt", "text"),
        ("~/notes.md", "text"),
        ("/tmp/x.csv", "text"),
        ("www.site.com/img/cat.jpg", "url"),
    ]


def test_a_name_inside_a_quote_or_a_link_is_not_a_second_artifact() -> None:
    found = artifacts(
        "Read 'see scan.png at https://a.org/x.pdf' and crop https://b.org/pic.png, then photo.jpg 'https://c.org/v'"
    )
    assert [(a.value, a.type) for a in found] == [
        ("see scan.png at https://a.org/x.pdf", "text"),
        ("https://b.org/pic.png", "url"),
        ("photo.jpg", "image"),
        ("https://c.org/v", "url"),
    ]


def test_taken_spans_answer_as_a_check_against_every_span_would() -> None:
    import random

    from agentnet.planner.extract import _Spans

    rng = random.Random(7)
    spans, brute = _Spans(), []
    for _ in range(2000):
        start = rng.randrange(0, 3000)
        end = start + rng.randrange(1, 12)
        expected = all(end <= a or start >= b for a, b in brute)
        assert spans.free(start, end) == expected, (start, end)
        if expected:
            spans.add(start, end)
            brute.append((start, end))


@pytest.mark.parametrize(
    ("task", "parts"),
    [("What is the sum of the ages in people.csv divided by 3?",
      ["What is the sum of the ages in people.csv", "divided by 3"]),
     ("the total of prices.json times 2", ["the total of prices.json", "times 2"]),
     # Not after other names: an image "divided by 2" is no table's number.
     ("What is the total on receipt.png divided by 2?", ["What is the total on receipt.png divided by 2"])],
)  # fmt: skip
def test_arithmetic_after_a_table_is_a_clause_of_its_own(task: str, parts: list[str]) -> None:
    assert clauses(task) == parts


def test_clauses_split_at_sequencing_words_and_keep_quotes_whole() -> None:
    parts = clauses("I have notes. Please translate 'one, then two' and then summarize it, finally read it aloud.")
    assert parts == ["translate the quoted text", "summarize it", "read it aloud"]


def test_a_quoted_sentence_that_ends_a_sentence_still_ends_it() -> None:
    """The mask keeps a quoted question's mark when the next sentence starts after it: two requests stay
    two clauses (a quote ending mid-sentence, 'Hello world.' into French, adds no mark)."""
    task = "It says 'How can this help us?' Can you read it aloud? Translate 'Hello world.' into French."
    assert clauses(task) == ["read it aloud", "Translate the quoted text into French"]
    assert clauses(task, requests_only=False)[0] == "It says the quoted text"


@pytest.mark.parametrize(
    "clause",
    [
        "I've got this video example.mp4",
        "it's way too long",
        "Here is the link: x.com",
        "the audio is noisy",
        "once it is done",
    ],
)
def test_statements_set_the_scene(clause: str) -> None:
    assert sets_scene(clause)


@pytest.mark.parametrize(
    "clause",
    [
        "download it",
        "slowing it down by half",
        "the key points of the article",
        "a summary",
        "translate this",
        # A question whose verb is contracted onto its question word.
        "what's the current time in London",
        "what\u2019s the news there",
        # The asked-for thing may be a phrase, and "am" is a question's verb too.
        "What day of the week was 14 July 1789",
        "which of the items is cheapest",
        "When am I free for an hour on Thursday",
        # The phrase may name a file.
        "Which line of notes.txt is most similar to the quoted text",
    ],
)
def test_requests_do_not_set_the_scene(clause: str) -> None:
    assert not sets_scene(clause)


@pytest.mark.parametrize(
    ("clause", "task", "scene"),
    [
        # A question word and a verb with no auxiliary: a question when it opens a sentence ending in "?".
        ("Who lives in Lyon in people.csv", "Who lives in Lyon in people.csv?", False),
        ("Which costs the most", "Open prices.json. Which costs the most?", False),
        ("Who works in sales", "Who works in sales and earns over 50k?", False),
        # The same words as a relative clause, or in a statement, still set the scene.
        ("who lives in Lyon", "Send a note to my friend, who lives in Lyon?", True),
        ("which shows my cat", "I have a video, which shows my cat. Caption it.", True),
        ("who lives in Lyon", "Who lives in Lyon.", True),
    ],
)
def test_a_question_is_read_from_the_sentence_it_opens(clause: str, task: str, scene: bool) -> None:
    assert sets_scene(clause)  # alone, the words read as a statement
    assert sets_scene(clause, task) is scene


def test_a_question_with_a_quote_is_read_as_one() -> None:
    """The clause has its quote masked; it was looked for in the task as written, never found, and the
    question read as a statement (the dates tool's score fell under the bar; SmolLM2 answered)."""
    task = 'What comes 90 days after "2024-03-01"?'
    assert clauses(task) == ["What comes 90 days after the quoted text"]
    assert not any(sets_scene(part, mask_quotes(task)) for part in clauses(task))
    assert penalised(clauses(task), np.array([[0.4, 0.2]]), PlannerTuning(), task) == [[0.4, 0.2]]


def test_scene_clauses_weigh_less_when_choosing_steps() -> None:
    source = InMemorySource(load_cards(DATA / "tools_resource.json"))
    task = "Please summarize my notes, which I translated from a French text: 'The cat sleeps. It is fine.'"

    def plan(penalty: float) -> list[str]:
        settings = PlannerTuning(model_mode="off", scene_penalty=penalty)
        return [step.capability for step in Planner(source, None, settings).plan(task).steps]

    assert plan(0.0) == ["Summarizer", "Translator"]
    assert plan(0.3) == ["Summarizer"]


def test_identifiers_read_as_words() -> None:
    assert readable_name("send_email") == "send email"
    assert readable_name("getWeatherForecast") == "get Weather Forecast"
    assert readable_name("Text-to-Image") == "Text to Image"


def test_a_weak_match_that_stands_out_is_still_a_step() -> None:
    """One-line API descriptions score below the usual threshold, but the clause clearly means one tool."""
    source = InMemorySource(load_cards(DATA / "tools_api.json"))
    task = "Check the weather forecast in Rome on Friday and then send an email about it to ann@example.com."

    def plan(standout: float) -> list[str]:
        settings = PlannerTuning(model_mode="off", standout=standout)
        return [step.capability for step in Planner(source, None, settings).plan(task).steps]

    assert plan(0.0) == ["get_weather"]
    assert plan(3.0) == ["get_weather", "send_email"]


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("Please call Dr. Smith tomorrow", ["call Dr. Smith tomorrow"]),
        ("Can you ask Mr. Lee and Mrs. Park to join?", ["ask Mr. Lee", "Mrs. Park to join"]),
        ("Please draw a pet, e.g. A cat", ["draw a pet", "e.g. A cat"]),
        ("Please compare the new one vs. The old one", ["compare the new one vs. The old one"]),
        ("Please play Mozart's Symphony No. 40 loudly", ["play Mozart's Symphony No. 40 loudly"]),
        ("Please fly me to St. Louis on Friday", ["fly me to St. Louis on Friday"]),
        # An abbreviation that closes a name ends the sentence when a new one starts after it.
        ("I live at 123 Main St. Can you send a taxi there?", ["send a taxi there"]),
        ("Please pick me up at 123 Main St. Can I get a text too?", ["pick me up at 123 Main St", "get a text too"]),
        ("Please pack socks, shirts, etc. Then call a taxi.", ["pack socks", "shirts", "etc", "call a taxi"]),
        ("Please ship it to 123 Main St. San Francisco, CA.", ["ship it to 123 Main St. San Francisco"]),
    ],
)
def test_an_abbreviation_does_not_end_a_sentence(task: str, expected: list[str]) -> None:
    assert clauses(task) == expected


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("Please find books by J. K. Rowling and read one aloud", ["find books by J. K. Rowling", "read one aloud"]),
        ("Tell me about Franklin D. Roosevelt, then translate it to French.",
         ["Tell me about Franklin D. Roosevelt", "translate it to French"]),
        ("Find the novels J.K. Rowling wrote", ["Find the novels J.K. Rowling wrote"]),
        ("Please email J. Smith the report", ["email J. Smith the report"]),
        # A letter that labels something ends a sentence, and so does any before a sentence's first word.
        ("Use plan B. Send it to Tom.", ["Use plan B", "Send it to Tom"]),
        ("I need to make a payment at Bank A. Can you note it?", ["make a payment at Bank A", "note it"]),
    ],
)  # fmt: skip
def test_an_initial_does_not_end_a_sentence(task: str, expected: list[str]) -> None:
    assert clauses(task) == expected


def test_a_letter_before_a_sentences_first_word_ends_it() -> None:
    # sentences.split itself: clauses() would also cut these at "Then".
    assert split("Please take Vitamin C. Then book a doctor.") == ["Please take Vitamin C.", "Then book a doctor."]
    assert split("Ship it to the U.S. The box is ready.") == ["Ship it to the U.S.", "The box is ready."]
    assert split("Ask J. K. Rowling. I will wait.") == ["Ask J. K. Rowling.", "I will wait."]


def test_a_title_is_read_for_what_it_names() -> None:
    """Retrieval reads "Dr. Smith" as "Doctor Smith" (sentences.spelled_out): the clause now keeps the
    name whole, and MiniLM reads "Dr. Smith" as a name only (the doctor tool fell below the bar)."""
    source = InMemorySource(load_cards(Path(__file__).parents[2] / "bench" / "data" / "dailylifeapis" / "tools.json"))
    task = "Can I arrange a virtual appointment with Dr. Smith and ensure any prescription given is printed out?"
    plan = Planner(source, None, PlannerTuning(model_mode="off")).plan(task)
    assert [(step.capability, step.instruction) for step in plan.steps] == [
        ("see_doctor_online", "arrange a virtual appointment with Dr. Smith"),
        ("print_document", "ensure any prescription given is printed out"),
    ]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("what is 17 * 23", "calculate 17 multiplied by 23"),
        ("17 * 23 is the answer", "17 multiplied by 23 is the answer"),
        # A question that is only arithmetic reads as a calculation; a date is no subtraction.
        ("What is 1 plus 41?", "calculate 1 plus 41"),
        ("what's 12 times 7", "calculate 12 multiplied by 7"),
        ("What is 2026-12-06?", "What is 2026-12-06?"),
        ("(2+3)*4", "calculate (2+3) multiplied by 4"),
        ("12 / 4 and 3 - 1", "12 divided by 4 and 3 minus 1"),
        ("2^10", "calculate 2 to the power of 10"),
        ("What is 2 to the power 10?", "calculate 2 to the power 10"),
        ("what is 2 raised to the power of 3", "calculate 2 raised to the power of 3"),
        # A slash with no spaces divides only numbers that cannot be a date.
        ("what is 1/0, 100/8 or 7.5/2.5", "what is 1 divided by 0, 100 divided by 8 or 7.5 divided by 2.5"),
        ("due 12/4, 3/4 of it, in 2026/12, on 1/2/2027", "due 12/4, 3/4 of it, in 2026/12, on 1/2/2027"),
        # Not hyphens, dates, paths or sizes.
        ("covid-19 on 2026-12-06 in a/b.txt at 1920 x 1080", "covid-19 on 2026-12-06 in a/b.txt at 1920 x 1080"),
        # A question that is only a conversion of amounts reads as a conversion, a rate given with it too.
        ("10 USD in EUR", "convert 10 USD to EUR"),
        ("how much is 10 USD in EUR?", "convert 10 USD to EUR"),
        ("how many cm in 2 feet 3 inches", "convert 2 feet 3 inches to centimeters"),
        ("5 lb 4 oz in kg", "convert 5 pounds 4 ounces to kilograms"),
        ("10 USD at 0.92 EUR per USD", "convert 10 USD at 0.92 EUR per USD"),
        ("10 USD to EUR at 0.92", "convert 10 USD to EUR at 0.92"),
        ("5 apples", "5 apples"),
        ("send 5 images to John", "send 5 images to John"),
        # A number scaled by a word, and an amount shared out, are arithmetic; media split into parts not.
        ("What is 3 dozen times 4?", "calculate 3 dozen multiplied by 4"),
        ("What is half a dozen plus 2?", "calculate half a dozen plus 2"),
        ("buy a dozen roses", "buy a dozen roses"),
        ("Split a 120 dollar bill between 3 people", "calculate 120 divided by 3"),
        ("share 3 dozen cookies among 4 kids", "calculate 3 dozen divided by 4"),
        ("split the 2 videos into 3 parts", "split the 2 videos into 3 parts"),
        # The sharers first, sharing money; sharing things is no division.
        ("How much does each person pay if 3 people split a 120 dollar bill", "calculate 120 divided by 3"),
        ("3 friends share a 90 dollar dinner, how much each?", "calculate 90 divided by 3"),
        ("4 roommates split $1800 rent", "calculate 1800 divided by 4"),
        ("Could you let 2 people share 5 images on Facebook", "Could you let 2 people share 5 images on Facebook"),
        # The sharing after the amount, of money or a number; of things no division.
        ("What is 90 shared among 3 friends?", "calculate 90 divided by 3"),
        ("64.80 dollars split between 3 people", "calculate 64.80 divided by 3"),
        ("5 images shared among 2 people", "5 images shared among 2 people"),
        # "Read out" is "read aloud"; "spread out" and "read it out loud" are left as they are.
        ("Read this out", "read this aloud"),
        ("read out the text", "read aloud the text"),
        ("spread out the photos", "spread out the photos"),
        ("read it out loud", "read it out loud"),
        # A total or an average of the numbers in some material, or arithmetic on it; not a table's column.
        ("What is the average price in invoice.png?", "calculate the average price in invoice.png"),
        ("What is the total in receipt.txt plus 10?", "calculate the total in receipt.txt plus 10"),
        ("what's the sum of the prices on this receipt", "calculate the sum of the prices on this receipt"),
        (
            "What is the total on receipt.png split between 2 people?",
            "calculate the total on receipt.png divided by 2",
        ),
        ("what is the average age in people.json", "what is the average age in people.json"),
        (
            "What is the total of column B in the table on this page?",
            "What is the total of column B in the table on this page?",
        ),
        # A conversion's abbreviated units spelled out, a rate among them; a comparison of amounts.
        ("Convert 3 cups to ml", "convert 3 cups to milliliters"),
        ("What is 60 mph in km/h?", "convert 60 miles per hour to kilometers per hour"),
        ("Is 7 km more than 4 miles?", "calculate whether 7 km is more than 4 miles"),
        ("is the meeting longer than 2 hours?", "is the meeting longer than 2 hours?"),
        # An operation on the result named by a noun ("the count" read as the text statistics').
        ("and multiply the count by 4", "calculate the result multiplied by 4"),
        ("then divide that number by 2", "calculate the result divided by 2"),
        # Which line mentions something: the semantic search's, whatever the topic.
        ("Which line of notes.txt mentions the plumber?", "find the line of notes.txt closest to a topic"),
        ("what sentence talks about refunds", "find the sentence closest to a topic"),
        # Time left until a clock time or a holiday; a bare number is none.
        ("How many hours until midnight?", "count the time from now until midnight?"),
        ("how long till 5:30 pm", "count the time from now until 5:30 pm"),
        ("How long until Christmas?", "count the time from now until Christmas?"),
        ("How long until 5?", "How long until 5?"),
        # The time in a place, whatever the place's name.
        ("What time is it in London?", "what time is it in a city"),
        ("what's the time in New York now", "what time is it in a city"),
        ("What time is it in my report?", "What time is it in my report?"),
        # What one pays or has after the numbers were stated; a question naming its own thing reads as it is.
        ("What do I pay?", "calculate the amount to pay"),
        ("how much do I have after 2 years", "calculate the amount at that rate"),
        ("What is that per year?", "calculate the amount at that rate"),
        ("How much do I pay for Netflix?", "How much do I pay for Netflix?"),
        ("How much does each pay?", "calculate the amount to pay"),
        ("How much per person?", "calculate the amount to pay"),
        ("How much for 5 nights?", "calculate the amount at that rate"),
        # How many words a text said before has.
        ("how many words is that", "count the words of that text"),
        ("How many lines does it have?", "count the lines of that text"),
        # An amount stated before, converted; a count of people is no unit.
        ("How many cups is that?", "convert the amount to cups"),
        ("What is that in miles?", "convert the amount to miles"),
        ("Convert it to pounds.", "Convert it to pounds."),
        ("How many people is that?", "How many people is that?"),
        # A percentage off or on a price, in a clause of its own or after the price.
        ("is 25% off", "calculate the amount after 25% off"),
        ("My rent is 1500 and goes up 4%", "calculate the amount plus 4%"),
        ("25% of the photos", "25% of the photos"),
        # An amount stated before and named, shared out.
        ("Split it between 3 people", "calculate the amount divided by 3"),
        # A setting looked up in a JSON file; a column's aggregate and another file's text are not.
        ("What port is set in config.json?", "look up the value of a field in the JSON data"),
        ("What's the host in settings.json", "look up the value of a field in the JSON data"),
        ("Is debug turned on in config.json?", "look up the value of a field in the JSON data"),
        ("What is the value of debug in config.json?", "look up the value of a field in the JSON data"),
        ("What is the average age in people.json?", "What is the average age in people.json?"),
        ("What port is set in notes.txt?", "What port is set in notes.txt?"),
    ],
)
def test_arithmetic_signs_are_read_as_words(text: str, read: str) -> None:
    """MiniLM reads "17 * 23" as no arithmetic (the calculator's card under the bar, the chat model
    answered), "17 multiplied by 23" as arithmetic."""
    assert spelled_out(text) == read


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        # A bare verb before "and" shares the next clause's object.
        ("Can you download and save it as mine.jpg?", ["download it as mine.jpg", "save it as mine.jpg"]),
        ("Please identify and label the objects in it", ["identify the objects in it", "label the objects in it"]),
        # The object, not where the next verb sends it: the text is extracted, then translated into English.
        ("Extract and translate the text into English", ["Extract the text", "translate the text into English"]),
        ("Record and send it to Tom", ["Record it", "send it to Tom"]),
        # A noun-phrase list item gets the verb of the item before it.
        (
            "Please add a bit of reverb, a touch of chorus, and some equalization",
            ["add a bit of reverb", "add a touch of chorus", "add some equalization"],
        ),
        (
            "Identify the key points and any URLs referenced",
            ["Identify the key points", "Identify any URLs referenced"],
        ),
        # Not after a subject or a subordinator, nor across "then", nor a bare word (it may be a verb).
        ("I think it needs reverb and a touch of chorus", ["I think it needs reverb", "a touch of chorus"]),
        ("Summarize it, then a translation into French", ["Summarize it", "a translation into French"]),
        # A list item that opens with a file name or a link is more of the item before's objects.
        ("summarise notes.txt and report.txt", ["summarise notes.txt and report.txt"]),
        ("count the words in a.txt, b.txt and c.md", ["count the words in a.txt, b.txt and c.md"]),
        (
            "translate notes.txt and the file report.txt into German",
            ["translate notes.txt and the file report.txt into German"],
        ),
        ("I have a.txt and b.txt. Summarise them.", ["I have a.txt and b.txt", "Summarise them"]),
        # Not across "then": a step of its own after the first.
        ("summarise notes.txt, then report.txt", ["summarise notes.txt", "report.txt"]),
        # A greeting is no clause.
        ("Hey, can you summarize it", ["summarize it"]),
        ("Hi there, please transcribe it", ["transcribe it"]),
        # A clause of its own saying what the user will do with the result is no step.
        ("Merge the two files into one, so I can make it more appealing", ["Merge the two files into one"]),
        ("Transcribe it, so that we could read it", ["Transcribe it"]),
        ("Clean it up, so could you also transcribe it", ["Clean it up", "transcribe it"]),
        # Not a bare verb: a clause of its own, or a noun list, or not joined by a plain "and".
        ("Please ask Mr. Lee and Mrs. Park to join", ["ask Mr. Lee", "Mrs. Park to join"]),
        ("Please list people and places", ["list people", "places"]),
        ("Please download, then save it as mine.jpg", ["download", "save it as mine.jpg"]),
        # A plain "and" between numbers joins operands or one quantity's parts, not two requests.
        ("add 5 and 7", ["add 5 and 7"]),
        ("what time is 3 hours and 45 minutes after 22:30", ["what time is 3 hours and 45 minutes after 22:30"]),
        ("multiply 6 and 7, then add 2", ["multiply 6 and 7", "add 2"]),
        ("convert 5 miles to km and 3 kg to lb", ["convert 5 miles to km", "3 kg to lb"]),
        # A pairing word's second object, not a second request; unless its first object is complete.
        ("Compare cats and dogs as pets", ["Compare cats and dogs as pets"]),
        ("what is the difference between machine learning and deep learning?",
         ["what is the difference between machine learning and deep learning"]),
        ("Compare the two texts and summarize the result", ["Compare the two texts", "summarize the result"]),
        # The commas of a list of alternatives ending in "or" part no requests.
        ("classify notes.txt as animals, food or finance", ["classify notes.txt as animals, food or finance"]),
        ("Generate an image, then tell me if it is red, green or blue",
         ["Generate an image", "tell me if it is red, green or blue"]),
        ("summarize it, translate it and read it aloud", ["summarize it", "translate it", "read it aloud"]),
        # Nor does the comma of a question choosing between two options, however long each is.
        ("Which is heavier, a kilo of feathers or a kilo of steel?",
         ["Which is heavier, a kilo of feathers or a kilo of steel"]),
        ("Who is the better player, Lionel Messi or Cristiano Ronaldo?",
         ["Who is the better player, Lionel Messi or Cristiano Ronaldo"]),
    ],
)  # fmt: skip
def test_how_joined_pieces_read(task: str, expected: list[str]) -> None:
    assert clauses(task) == expected


def test_a_bare_verb_is_planned_for_what_its_object_says(tmp_path: Path) -> None:
    """ "download" alone cannot tell an image downloader from a video one; "download it as mine.jpg" can."""
    tools = tmp_path / "tools.json"
    tools.write_text(
        json.dumps(
            {
                "nodes": [
                    {"id": f"{kind.title()} Downloader", "desc": f"Downloads {what} from a given URL.",
                     "input-type": ["url"], "output-type": [kind]}
                    for kind, what in [("image", "an image"), ("video", "a video"), ("audio", "an audio file"),
                                       ("text", "the text content")]
                ]
            }
        )
    )  # fmt: skip
    planner = Planner(InMemorySource(load_cards(tools)), None, PlannerTuning(model_mode="off"))
    task = "I saw a lovely sunset photo at https://example.com/sunset.jpg. Could you download and save it as mine.jpg?"
    assert [step.capability for step in planner.plan(task).steps] == ["Image Downloader"]


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        # What the user did, in two clauses: both set the scene, and only the request is planned.
        (
            "I've snapped a photo of my room and saved it as room.jpg. Can you count the chairs in it?",
            ["count the chairs in it"],
        ),
        ("I took a picture of a car and saved it as car.jpg. Describe it.", ["Describe the image"]),
        # An instruction whose verb ends in -ed is no statement, nor is a clause after "and then".
        ("Download the video and embed it in my page", ["Download the video", "embed it in my page"]),
        ("Record my talk and summarise it", ["Record my talk", "summarise it"]),
    ],
)
def test_a_past_tense_clause_after_a_statement_is_more_of_it(task: str, expected: list[str]) -> None:
    """ "saved it as example.jpg", cut from "I've snapped a photo ... and saved it as example.jpg", read as a
    request: an image generator was planned for it."""
    assert [part for part in clauses(task) if not sets_scene(part)] == expected


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        # A factorial's "!" is the clause's own; an exclamation is not.
        ("What is 5!?", ["What is 5!"]),
        ("Great job! Translate this", ["Great job", "Translate this"]),
        # A birth date after a comma describes the person; a comma before another request still cuts.
        ("How old is my dad, born 3 March 1958?", ["How old is my dad, born 3 March 1958"]),
        ("Read notes.txt, then count its words", ["Read notes.txt", "count its words"]),
        # A question a factorial's "!" ends asks, as one ending in "?" does: it was dropped as no request.
        ("What is 4! Can you also convert 5 miles to km?", ["What is 4!", "convert 5 miles to km"]),
        ("What is 5! And what is 3!?", ["What is 5!", "what is 3!"]),
        ("I scored 5! Can you convert 5 miles to km?", ["convert 5 miles to km"]),
    ],
)
def test_a_clause_keeps_its_factorial_and_the_birth_date_of_whom_it_names(task: str, expected: list[str]) -> None:
    assert clauses(task) == expected


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        # An "and" after a number that says more of the same thing, with a number of its own, parts nothing.
        (
            "A laptop was 1200 and now costs 960. What percent discount is that?",
            ["A laptop was 1200 and now costs 960", "What percent discount is that"],
        ),
        ("My rent is 1500 and goes up 4%", ["My rent is 1500 and goes up 4%"]),
        # Two requests still part.
        ("Add 5 and 7 and then convert 3 km to miles", ["Add 5 and 7", "convert 3 km to miles"]),
        ("Count the 3 files and send them to Tom", ["Count the 3 files", "send them to Tom"]),
    ],
)
def test_a_statement_about_a_price_goes_on_after_its_and(task: str, expected: list[str]) -> None:
    """ "now costs 960", cut off, was a request of its own: SmolLM2 took it as a step, and the question
    after it lost the first price."""
    assert clauses(task, requests_only=False) == expected
