"""Reading a task text without a model: the artifacts it names and the clauses it asks for.

Artifacts are what the user hands over (file names, URLs, quoted text); each gets a data type
from its form (``photo.jpg`` is an image, ``https://…`` a url, a quoted sentence text), so the
planner can wire them into the steps that accept that type. Clauses are the request split at
sentence and sequencing boundaries ("…, then …", "and finally …"), with quoted text masked so a
quoted sentence is never split or mistaken for a request.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from agentnet.planner import sentences as sentence_ends
from agentnet.planner.joins import JOINS, PLAIN_AND, trim
from agentnet.planner.scene import sets_scene

_EXTENSION_TYPES = {
    "image": "jpg jpeg png gif bmp tif tiff webp svg heic",
    "audio": "wav mp3 flac ogg m4a aac wma aiff",
    "video": "mp4 avi mov mkv webm flv wmv mpeg mpg m4v",
    "text": "txt md csv json pdf doc docx rtf html htm xml",
    "url": "url",
}
EXTENSION_TYPE = {ext: kind for kind, exts in _EXTENSION_TYPES.items() for ext in exts.split()}

_URL = re.compile(
    r"(?:https?://|www\.)[^\s'\"<>()\[\]{}]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|edu|gov)(?:/[^\s'\"<>]*)?\b"
)
# An extension has a letter: "99.99" and "1,200.50" are numbers, not files. A name may come with its
# folders ("docs/plan.txt", "./a.txt", "~/notes.md", "/tmp/x.csv"): without them "read docs/plan.txt"
# named no file at all. Not a URL's path (its own pattern, below).
_FILE = re.compile(
    r"(?<![\w/.:~])((?:(?:~|\.{1,2})?/)?(?:[\w.-]+/)*[\w-]+(?:\.[\w-]+)*\.((?=\d*[A-Za-z])[A-Za-z0-9]{2,5}))(?![\w/])"
)
# Quotes: opening quote after start/space/colon/paren, closing quote before space/punctuation/end.
# Apostrophes inside words ("I've") never open or close a quote.
_QUOTED = re.compile(
    r"(?:(?<=^)|(?<=[\s:(\[,]))(['\"\u2018\u201c])(?P<body>.+?)(?:['\"\u2019\u201d])(?=$|[\s.,;:!?)\]])",
    re.DOTALL,
)
_SEQUENCE = re.compile(
    r",?\s*\b(?:and\s+then|and\s+finally|then|finally|after\s+that|afterwards|subsequently|lastly|"
    r"followed\s+by|and\s+also|as\s+well\s+as)\b\s*,?\s*|;\s*|,\s*and\s+|,\s+|\s+and\s+"
    # Arithmetic on what a table gives ("the sum of the ages in people.csv divided by 3"): a step of its own.
    r"|(?:(?<=\.[ct]sv)|(?<=\.json|\.xlsx))\s+(?=(?:divided\s+by|multiplied\s+by|times|plus|minus)\s+\d)",
    re.IGNORECASE,
)
_MIN_QUOTE = 2
QUOTE_PLACEHOLDER = "the quoted text"
# A sentence asks for something when it says so; sentences without these only set the scene.
_REQUEST = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|we|i)\b|\bplease\b|\bhelp\s+me\b|\bi(?:'d|\s+would)\s+(?:like|love|want)\b"
    r"|\bi\s+(?:want|need|wish)\b|\blet'?s\b|\bi(?:'m|\s+am)\s+(?:looking|hoping|trying|interested)\b"
    r"|\bwould\s+(?:it|you)\b|\?\s*$|\b(?:want|need)\s+to\b"
    # A factorial's "!" ends the question it asks ("What is 4! Can you also ..."): it was read as no request.
    r"|^\s*(?:what\s+is|what's|how\s+much\s+is|calculate|compute)\b[^.!?]*\d!\s*$",
    re.IGNORECASE,
)
_POLITE = re.compile(
    r"^(?:(?:also|and|so|but|now|then|finally|please|ok|okay|oh)\b[\s,]*)*"
    r"(?:(?:can|could|would|will)\s+(?:you|we|i)\s+(?:please\s+)?(?:kindly\s+)?(?:also\s+)?)?"
    r"(?:(?:help|assist)\s+(?:me\s+)?(?:(?:in|with|to|by)\s+)?|be\s+able\s+to\s+|mind\s+)?"
    r"(?:i(?:'d|\s+would)\s+(?:also\s+)?(?:like|love)\s+(?:you\s+)?(?:to\s+)?|i\s+(?:want|need)\s+(?:you\s+)?(?:to\s+)?)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Artifact:
    """Something the user supplies, with the data type it carries: named in the task text, or (with
    ``named``) an input handed over beside it (``--input FILE``, stdin) that steps read by its name."""

    value: str
    type: str
    start: int
    named: bool = False


class _Spans:
    """Disjoint spans of the text already taken, kept sorted: whether a new span is free is two neighbours'
    business, not every span's (checking all of them made a task of thousands of names quadratic)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self._starts, start)
        return (at == 0 or self._ends[at - 1] <= start) and (at == len(self._starts) or self._starts[at] >= end)

    def add(self, start: int, end: int) -> None:
        at = bisect.bisect_right(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)


def artifacts(task: str) -> list[Artifact]:
    """URLs, file names and quoted texts in order of appearance (a quoted URL counts as a URL)."""
    found: list[Artifact] = []
    taken = _Spans()
    free = taken.free

    for match in _QUOTED.finditer(task):
        body = match.group("body").strip()
        if len(body) < _MIN_QUOTE:
            continue
        found.append(Artifact(body, _typed_literal(body), match.start("body")))
        taken.add(match.start(), match.end())
    for match in _FILE.finditer(task):
        kind = EXTENSION_TYPE.get(match.group(2).lower())
        if "/" in match.group(1) and _URL.match(task, match.start(1)):
            continue  # "www.site.com/img/cat.jpg" is a link
        if kind and free(match.start(1), match.end(1)):
            found.append(Artifact(match.group(1), kind, match.start(1)))
            taken.add(match.start(1), match.end(1))
    for match in _URL.finditer(task):
        value = match.group(0).rstrip(".,;:!?")
        if free(match.start(), match.start() + len(value)):
            found.append(Artifact(value, "url", match.start()))
            taken.add(match.start(), match.start() + len(value))
    # A name the result is to be saved under is no input: nothing reads it, and no such file exists yet.
    handed = [a for a in found if a.type == "text" or not _output_name(task, a.start)]
    return sorted(handed, key=lambda a: a.start)


# Before a file name, the words that make it where a result goes rather than something handed over:
# "save it as 'out.wav'", "export the video to clip.mp4", "name it cat.jpg", "create an example.mp4 video".
_OUTPUT_NAME = re.compile(
    r"(?:\b(?:save|store|export|write|output|name|call)\s+(?:it|this|that|them|the\s+(?:\w+\s+){0,2}?\w+)\s+"
    r"(?:as|to|into|in|(?:under|with)\s+the\s+name)?\s*(?:a\s+file\s+(?:named|called)\s+)?"
    r"|\b(?:create|generate|make|produce|render)\s+(?:an?|the)\s+)['\"\u2018\u201c]?$",
    re.IGNORECASE,
)
# The output phrase ends right before the name and spans a few words: only that much of the text before it
# is read (the whole text before every name made reading many names quadratic: 5 s for 3,300 names).
_OUTPUT_WINDOW = 120


def _output_name(task: str, start: int) -> bool:
    return bool(_OUTPUT_NAME.search(task, max(0, start - _OUTPUT_WINDOW), start))


def names_an_output(task: str, artifact: Artifact) -> bool:
    """The name is where the task's result is to go ("save it as poem.txt"): no such file need exist."""
    return _output_name(task, artifact.start)


def _typed_literal(body: str) -> str:
    """A quoted file name or URL keeps its own type; any other quoted passage is text."""
    file = _FILE.fullmatch(body)
    if file and file.group(2).lower() in EXTENSION_TYPE:
        return EXTENSION_TYPE[file.group(2).lower()]
    url = _URL.fullmatch(body)
    return "url" if url else "text"


def file_kinds_only(text: str) -> str:
    """The text with each file name cut to its extension ("classify notes.txt" -> "classify txt"): what
    a name's own words say is the user's choice, not what the request asks. Matched as keywords, a
    user's "notes.txt" and "report.txt" found a tool whose examples read "notes/todo.txt" and
    "report.md" (the file reader, planned for "is notes.txt similar to report.txt?"). Keywords only: in
    the embedding the name's words dilute a vague request ("do something nice with holiday.jpg"), which
    then asks for help as it should, where "do something nice with jpg" made an image tool a confident
    pick."""
    return _FILE.sub(lambda match: match.group(2), text)


def mask_quotes(task: str) -> str:
    """Quoted passages become a short placeholder: they are data for a step, not requests. A quoted
    sentence that ends the request's sentence leaves a full stop, so the request is still split after it
    ("... 'How can this help?' Can this then be read aloud?" is two sentences, not one); a stop, not its
    own mark: the quoted question is data, not the user asking."""

    def placeholder(match: re.Match[str]) -> str:
        body = match.group("body")
        if _typed_literal(body) != "text":
            return body
        after = task[match.end() :].lstrip()
        end = body.rstrip()[-1:]
        return QUOTE_PLACEHOLDER + ("." if end in ".!?" and after[:1].isupper() else "")

    return _QUOTED.sub(placeholder, task)


def clauses(task: str, max_clauses: int = 16, *, requests_only: bool = True) -> list[str]:
    """Split a request into short clauses (order kept), quoted passages masked.

    With ``requests_only``, sentences before the first one that asks for something are skipped.
    """
    masked = mask_quotes(" ".join(task.split()))
    # Not at every full stop: "Call Dr. Smith" is one sentence (sentences.py).
    sentences = sentence_ends.split(masked)
    asking = [s for s in sentences if _REQUEST.search(s)]
    if asking and requests_only:
        # Scene-setting before the first request ("I recorded a video…") names inputs, not steps.
        first = sentences.index(asking[0])
        sentences = sentences[first:]
    parts: list[str] = []
    for sentence in sentences:
        for piece in _pieces(sentence):
            if len(piece) >= 3:
                parts.append(piece)
    # A clause that only hands an input over is no request: the input is wired into the steps that read it.
    asked = [part for part in parts if not introduces(part)] or parts
    # The first request proper: clauses before it that only set the scene ("I'm working on a video
    # project") do not make the pronoun of "download it for me" refer to anything but what was handed over.
    request = next((i for i, part in enumerate(asked) if not sets_scene(part, masked)), None)
    if request is not None:
        asked[request] = name_the_handed(asked[request], " ".join(task.split()))
    return asked[:max_clauses] or [masked.strip() or task]


_TARGET = re.compile(r"\s+(?:into|to)\s+", re.IGNORECASE)


def _pieces(sentence: str) -> list[str]:
    """The sentence cut at sequencing words, polite openings taken off. A bare verb joined to the next
    clause by "and" shares its object: "download and save it as x.jpg" asks to download it as well, so
    the verb's clause gets the rest of the next one ("download it as x.jpg"), not the verb alone, up to
    where the next verb sends its result ("into"/"to"): "extract and translate the text into English"
    extracts "the text", not "the text into English" (which scored as a translation: the translator was
    planned twice and the text reader not at all)."""
    pieces: list[str] = []
    joins: list[str] = []
    last = 0
    for match in _SEQUENCE.finditer(sentence):
        if any(join(sentence, match) for join in JOINS):
            continue
        pieces.append(sentence[last : match.start()])
        joins.append(match.group(0))
        last = match.end()
    pieces.append(sentence[last:])
    raw = [trim(piece) for piece in pieces]
    pieces = [trim(_POLITE.sub("", trim(piece))) for piece in pieces]
    for index, join in enumerate(joins):
        verb, after = pieces[index].split(), pieces[index + 1].split(None, 1)
        if len(verb) == 1 and len(after) == 2 and PLAIN_AND.fullmatch(join):
            pieces[index] = f"{verb[0]} {_TARGET.split(after[1], 1)[0].strip() or after[1]}"
    _lend_verbs(pieces, raw, joins)
    _lend_subjects(pieces, raw, joins)
    _join_named_objects(pieces, raw, joins)
    # "..., so I can make the sound effects more appealing": what the user will do with the result, not
    # a step (it planned an audio effects step after the splicer that was asked for).
    return [
        "" if _PURPOSE.match(text) or _GREETING.fullmatch(text) else piece
        for piece, text in zip(pieces, raw, strict=True)
    ]


# "Hey", "Hi there", "Hello assistant": no request, and no clause to read a pronoun in.
_GREETING = re.compile(r"(?:hey|hi|hello|hiya)(?:\s+[\w']+)?", re.IGNORECASE)


# A clause of its own saying what the user will do with the result.
_PURPOSE = re.compile(r"(?:so|in\s+order)\s+(?:that\s+)?(?:i|we)\s+(?:can|could|may|might|will|would)\b", re.IGNORECASE)


# A list item that is only a noun phrase ("a touch of chorus") opens with one of these.
_INDEFINITE = re.compile(r"(?:a|an|some|any|several|more|few|additional|another)$", re.IGNORECASE)
# Words a clause opens with that are not its verb: subjects, determiners, subordinators.
_NOT_A_VERB = re.compile(
    r"(?:(?:i|we|you|he|she|it|they|let|that|there|what|who)(?:['\u2019]\w+)?|the|a|an|this|these|those|my|our|"
    r"your|its|their|here|also|then|and|once|when|if|after|before|while|because|since|as|so|but)$",
    re.IGNORECASE,
)
_SEQUENCING = re.compile(r"then|finally|after|afterwards|subsequently|lastly|followed|also|;", re.IGNORECASE)


def opens_with_verb(clause: str) -> bool:
    """The clause opens as an instruction does, with its verb ("translate it into German"), not with a
    subject, a determiner or a subordinator ("I think ...", "a touch of chorus", "once it is done")."""
    words = clause.split()
    return len(words) >= 2 and words[0].isalpha() and not _NOT_A_VERB.match(words[0]) and not _SIGN_OFF.match(words[0])


# Thanks and sign-offs open like instructions ("Thanks a lot", "Appreciate it") and ask for nothing.
_SIGN_OFF = re.compile(r"(?:thanks|thank|cheers|regards|appreciate|hope|sorry|great|ok|okay|yes|no|sure)$", re.I)


def _lend_verbs(pieces: list[str], raw: list[str], joins: list[str]) -> None:
    """A list item that is only a noun phrase gets the verb of the item before it: "identify the key
    talking points and any useful URLs referenced" asks to identify both, and "any useful URLs
    referenced" alone matched no tool clearly (the URL extractor was left out). Only items opening
    with an indefinite determiner (a noun phrase for certain, where a bare word may be a verb), joined
    by a comma or "and" (not "then"), after an item that opens with its verb (not "I think ...",
    "Once ...")."""
    for index in range(1, len(pieces)):
        words, before = raw[index].split(), pieces[index - 1].split()
        if (words and before and _INDEFINITE.match(words[0]) and not _NOT_A_VERB.match(before[0])
                and not _SEQUENCING.search(joins[index - 1])):  # fmt: skip
            pieces[index] = f"{before[0]} {pieces[index]}"


# A past-tense verb opening a clause: no instruction opens so ("saved it as example.jpg"). Words in
# -ed that are verbs' plain forms ("embed it", "feed it") are not.
_PAST_TENSE = re.compile(
    r"(?!(?:need|embed|feed|shred|seed|speed|proceed|exceed|succeed|shed|heed|breed|bleed|weed)$)[a-z]{2,}ed$|"
    r"(?:took|made|got|wrote|found|bought|saw|heard|drew|shot|put|kept|sent|came|went|began|built|did)$",
    re.IGNORECASE,
)


def _lend_subjects(pieces: list[str], raw: list[str], joins: list[str]) -> None:
    """A clause joined by "and" to a statement, opening with a past-tense verb, is more of that
    statement: "I've snapped a photo of my room and saved it as example.jpg" says what the user did;
    cut off, "saved it as example.jpg" read as a request, and an image generator was planned for it.
    It gets the statement's subject ("I've saved it as example.jpg"), so it sets the scene as well."""
    for index in range(1, len(pieces)):
        words, before = raw[index].split(), pieces[index - 1].split()
        if (words and before and PLAIN_AND.fullmatch(joins[index - 1]) and _PAST_TENSE.match(words[0])
                and sets_scene(pieces[index - 1])):  # fmt: skip
            pieces[index] = f"{before[0]} {pieces[index]}"


def _join_named_objects(pieces: list[str], raw: list[str], joins: list[str]) -> None:
    """A list item that opens with a file name or a link ("summarise notes.txt and report.txt", "count
    the words in a.txt, b.txt and c.md", "translate a.txt and b.txt into German") is more of the previous
    item's objects, not a clause: cut off, "report.txt" alone matched the file reader best, which became
    the whole plan's guess, and the other files were never read by the step that was asked for. The item
    goes back into the clause before it (joined by a comma or "and", not "then"), so one step reads them
    all."""
    for index in range(1, len(pieces)):
        if not _opens_with_a_name(raw[index]) or _SEQUENCING.search(joins[index - 1]):
            continue
        before = max((i for i in range(index) if pieces[i]), default=None)
        if before is not None:
            pieces[before] = f"{pieces[before]}{joins[index - 1].rstrip()} {pieces[index]}"
            pieces[index] = ""


def _opens_with_a_name(item: str) -> bool:
    """The item's first word, after determiners and naming words ("the file"), is a file name or a link."""
    words = item.split()
    while words and _NAMING.fullmatch(words[0]):
        words = words[1:]
    found = artifacts(words[0].strip("'\"()")) if words else []
    return bool(found) and found[0].value == words[0].strip("'\"()").rstrip(".,;:!?")


# What is left of a clause that merely names a handed-over file once the file is taken out.
_NAMING = re.compile(
    r"\b(?:a|an|the|my|this|that|our|its|named|called|titled|labell?ed|saved|as|file|here|is|are|link|"
    r"image|picture|photo|photograph|audio|recording|video|clip|document|url)\b",
    re.IGNORECASE,
)
# Wanting or addressing the helper: "a photo example.jpg that I want to share", "if you could print x.pdf".
_INTENT = re.compile(
    r"\b(?:wants?|wanted|wish|needs?|like|love|hope|hoping|plan|planning|planned|looking|going|trying|intend|"
    r"intending|about)\s+(?:on\s+|to\s+)|\b(?:you|we)\s+(?:can|could|would|will|might)\b",
    re.IGNORECASE,
)


def introduces(clause: str) -> bool:
    """The clause hands an input over instead of asking for work: it sets the scene and names a file or
    URL ("I have a video named example.mp4", "here is the link: https://…"), or is nothing but one ("a
    photograph named example.jpg"). Such a clause scored against the tools matches whichever reads or
    makes its medium, a step nobody asked for. One that also wants something ("a photo example.jpg that
    I want to share") is a request."""
    handed = [a for a in artifacts(clause) if a.type != "text"]
    if not handed or _REQUEST.search(clause) or _INTENT.search(clause):
        return False
    if sets_scene(clause):
        return True
    rest = clause
    for artifact in handed:
        rest = rest.replace(artifact.value, " ")
    return not _NAMING.sub(" ", rest).strip(" ,.;:!?-()'\"")


_OBJECT_PRONOUN = re.compile(r"\b(it|them|its)\b(?!\s+out\b)", re.IGNORECASE)
_MEDIUM_WORD = re.compile(
    r"\b(?:images?|pictures?|photos?|photographs?|audio|recordings?|sound|voice|videos?|clips?|footage|movies?|"
    r"files?|documents?|text|table)\b",
    re.IGNORECASE,
)
_HANDED_MEDIA = ("image", "audio", "video")
_PLURAL = {"them": "s", "its": "'s"}
_SHORT_CLAUSE = 4


def name_the_handed(clause: str, task: str) -> str:
    """A short first request about a pronoun ("classify it" after "I have an image example.jpg") becomes
    one about the medium handed over ("classify the image"). Without the medium such a clause cannot tell
    an image classifier from a table classifier, or an image downloader from a video one. Only when
    everything handed over before the clause is of one medium (a file, or a URL whose path ends in a
    media extension; quoted text and other links say nothing of it), and only in a clause of a few
    words that names no medium itself: in a longer one the pronoun is as often the topic ("figure out
    what it represents")."""
    if len(clause.split()) > _SHORT_CLAUSE or _MEDIUM_WORD.search(clause) or not _OBJECT_PRONOUN.search(clause):
        return clause
    where = task.find(clause[:24])
    kinds = {_medium(artifact) for artifact in artifacts(task[:where])} & set(_HANDED_MEDIA) if where > 0 else set()
    if len(kinds) != 1:
        return clause
    kind = kinds.pop()
    return _OBJECT_PRONOUN.sub(lambda m: f"the {kind}" + _PLURAL.get(m.group(1).lower(), ""), clause, 1)


def _medium(artifact: Artifact) -> str:
    """A handed file's medium; a URL's is the medium of the file its path ends in (``…/photo.jpg``)."""
    if artifact.type != "url":
        return artifact.type
    last = artifact.value.rsplit("/", 1)[-1]
    return EXTENSION_TYPE.get(last.rsplit(".", 1)[-1].lower(), "url") if "." in last else "url"
