"""The review site (issue #16) on conversations played through the real assistant, on
SQLite and on PostgreSQL (TEST_POSTGRES_URL), and in Chromium (Playwright, axe-core).

Annotations go to a temporary copy of data/nlu (REVIEW_NLU_FILE), never to the real
data/nlu/review.yml; ``rasa data validate`` then checks the copy."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from conftest import ROOT, VENV_BIN, Assistant, query, running_assistant
from test_widget import AXE, axe_violations, browser  # noqa: F401 (the Chromium fixture)

sys.path.insert(0, str(ROOT / "tests" / "unit" / "review"))
from review_site import TOKEN, Review, compacted, running_review

from tests.databases import POSTGRES, as_text, scratch_postgres

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

NIR = "2 69 05 49 588 157 80"  # valid: its key checks
NIR_BODY = "2690549588157"
PHONE = "06 12 34 56 78"
PHONE_DIGITS = "612345678"
SCREENSHOT = os.environ.get("REVIEW_SCREENSHOT")  # where to save a picture of the overview


def foreign_message() -> str:
    """A message the assistant cannot understand whatever its model (no Latin letter:
    addons/nlu.py sends it to the fallback), different at each run."""
    rng = random.Random(uuid.uuid4().int)
    return "请问" + "".join(chr(0x4E00 + rng.randrange(0x5000)) for _ in range(4)) + "怎么办"


@dataclass
class Played:
    """A conversation played through the assistant, and the review site on its store."""

    assistant: Assistant
    tracker_url: str
    review: Review
    sender: str
    foreign: str


def play(assistant: Assistant) -> tuple[str, str]:
    """A conversation with a NIR, a phone number, a message not understood, a hand-off."""
    conversation = assistant.conversation()
    foreign = foreign_message()
    conversation.say("/greet")
    conversation.say("bonjour, j'ai perdu ma carte vitale")
    conversation.say(f"mon numéro c'est {NIR}, il est bon ?")
    conversation.say(f"vous pouvez me rappeler au {PHONE}")
    conversation.say(foreign)
    conversation.say("je voudrais parler à un conseiller")
    return conversation.sender, foreign


@contextlib.contextmanager
def own_assistant(kind: str, work: Path) -> Iterator[tuple[Assistant, str]]:
    """An assistant whose store holds only this module's conversations: the overview's
    "most asked" lists are the store's top 10, which the shared assistants' other
    conversations (the e2e suite) would fill."""
    if kind == "sqlite":
        with running_assistant(work) as assistant:
            yield assistant, f"sqlite:///{assistant.tracker_db}"
        return
    if not POSTGRES:
        pytest.skip("TEST_POSTGRES_URL not set")
    with scratch_postgres("review") as database:
        url = as_text(database)
        with running_assistant(work, extra_env={"TRACKER_STORE_URL": url}) as assistant:
            yield assistant, url


@pytest.fixture(scope="module")
def store_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, str]]:
    with own_assistant("sqlite", tmp_path_factory.mktemp("store-sqlite")) as pair:
        yield pair


@pytest.fixture(scope="module")
def store_postgresql(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Assistant, str]]:
    with own_assistant("postgresql", tmp_path_factory.mktemp("store-postgresql")) as pair:
        yield pair


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def played(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Played]:
    assistant, url = request.getfixturevalue(f"store_{request.param}")
    sender, foreign = play(assistant)
    work = tmp_path_factory.mktemp(f"review-{request.param}")
    shutil.copytree(ROOT / "data" / "nlu", work / "nlu")  # REVIEW_NLU_FILE: work/nlu/review.yml
    with running_review(work, url) as review:
        yield Played(assistant, url, review, sender, foreign)


def conversation_path(sender: str) -> str:
    return f"/conversation?id={sender}"


def test_the_overview_counts_what_was_played(played: Played) -> None:
    body = played.review.request("/export/apercu.csv").body
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    totals = {row[2]: int(row[3]) for row in rows if row[0] == "total" and row[3].isdigit()}
    assert totals["messages"] >= 6 and totals["conversations"] >= 1
    assert totals["buttons"] >= 1 and totals["handoffs"] >= 1 and totals["not_understood"] >= 1
    intents = {row[2] for row in rows if row[0] == "intention"}
    assert {"check_nir", "human_handoff", "nlu_fallback"} <= intents


def test_the_conversation_turn_by_turn(played: Played) -> None:
    page = unescape(played.review.request(conversation_path(played.sender)).body)
    said = (
        "/greet",
        "perdu ma carte vitale",
        "il est bon ?",
        played.foreign,
        "parler à un conseiller",
    )
    order = [page.index(text) for text in said]
    assert order == sorted(order)
    for shown in ("check_nir", "action_check_nir", "human_handoff", "nlu_fallback"):
        assert f"<code>{shown}</code>" in page, shown
    assert "<code>action_two_stage_fallback</code>" in page
    assert re.search(r"<td>\d+,\d\xa0%</td>", page)  # a confidence
    assert "2 69 05 •• ••• ••• ••" in page and "06 •• •• •• 78" in page


def test_the_message_not_understood_is_listed_with_the_models_guesses(played: Played) -> None:
    page = played.review.request("/non-compris").body
    (group,) = [part for part in page.split('<h2 id="groupe-')[1:] if played.foreign in part]
    assert group.count("<li><code>") == 3  # the model's best 3, the fallback's own aside
    assert f'href="/conversation?id={played.sender}#tour-' in group


def test_no_page_and_no_export_shows_the_nir_or_the_phone_number(played: Played) -> None:
    review = played.review
    messages = re.findall(
        r'href="/annoter/(\d+)"', review.request(conversation_path(played.sender)).body
    )
    paths = [
        "/",
        "/non-compris",
        "/export/apercu.csv",
        "/export/non-compris.csv",
        conversation_path(played.sender),
    ]
    paths += [f"/annoter/{n}" for n in messages]
    assert len(paths) > 8
    for path in paths:
        shown = compacted(review.request(path).body)
        assert NIR_BODY not in shown and PHONE_DIGITS not in shown, path
    if played.tracker_url.startswith("sqlite"):  # the store itself keeps the phone number
        rows = query(
            played.assistant.tracker_db, "SELECT data FROM events WHERE data LIKE ?", f"%{PHONE}%"
        )
        assert rows


# -- in Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(
    store_sqlite: tuple[Assistant, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Played]:
    """The review site on the SQLite store of this module's assistant, for the browser."""
    assistant, url = store_sqlite
    sender, foreign = play(assistant)
    work = tmp_path_factory.mktemp("review-browser")
    shutil.copytree(ROOT / "data" / "nlu", work / "nlu")
    with running_review(work, url) as review:
        yield Played(assistant, url, review, sender, foreign)


@pytest.fixture
def page(browser, site: Played) -> Iterator:  # noqa: F811
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # the site's Content-Security-Policy forbids injected scripts: axe-core
        extra_http_headers={"Authorization": f"Bearer {TOKEN}"},
    )
    yield context.new_page()
    context.close()


def test_without_the_token_401_then_signing_in(browser, site: Played) -> None:  # noqa: F811
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    answer = page.goto(site.review.url + "/non-compris")
    assert answer is not None and answer.status == 401
    expect(page.get_by_role("heading", name="Accès réservé")).to_be_visible()
    assert site.sender not in page.content()
    page.get_by_label("Jeton").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce jeton n'est pas le bon.")
    page.get_by_label("Jeton").fill(TOKEN)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Vue d'ensemble", level=1)).to_be_visible()
    page.get_by_role("link", name="Messages non compris").first.click()
    expect(page.get_by_text(site.foreign).first).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Accès réservé")).to_be_visible()
    context.close()


def test_the_overview_shows_its_charts(page, site: Played) -> None:
    page.goto(site.review.url + "/")
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)
    for name in ("Conversations et messages par jour", "Intentions les plus fréquentes"):
        chart = page.get_by_role("img", name=re.compile(name))
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 50
    assert page.locator("svg rect.bar-messages").count() == 7
    assert page.locator("svg rect.bar-one").count() >= 3
    page.get_by_text("Intentions les plus fréquentes (tableau)").click()
    expect(page.get_by_role("rowheader", name="human_handoff")).to_be_visible()


def test_a_message_typed_now_is_listed_and_annotating_writes_it(page, site: Played) -> None:
    typed = foreign_message()
    site.assistant.send(site.sender, typed)
    site.review.index()
    page.goto(site.review.url + "/non-compris")
    group = page.locator("ol.groups > li").filter(has_text=typed)
    expect(group).to_have_count(1)
    group.get_by_role("link", name="Annoter ce message").click()
    expect(page.get_by_role("heading", name="Annoter un message")).to_be_visible()
    expect(page.get_by_label("Exemple à ajouter")).to_have_value(re.compile(typed[:2]))
    page.get_by_label("Exemple à ajouter").fill(typed)
    page.get_by_label("Intention correcte").select_option("greet")
    page.get_by_role("button", name="Ajouter l'exemple").click()
    expect(page.get_by_role("status")).to_contain_text("L'exemple a été ajouté à l'intention greet")
    written = site.review.nlu_file.read_text(encoding="utf-8")
    assert f"- intent: greet\n  examples: |\n    - {typed}\n" in written
    assert not (ROOT / "data" / "nlu" / "review.yml").exists() or typed not in (
        ROOT / "data" / "nlu" / "review.yml"
    ).read_text(encoding="utf-8")
    # The same text again is refused, and said so.
    page.get_by_label("Intention correcte").select_option("help")
    page.get_by_role("button", name="Ajouter l'exemple").click()
    expect(page.get_by_role("alert")).to_contain_text("figure déjà dans les données d'entraînement")
    assert site.review.nlu_file.read_text(encoding="utf-8") == written
    validate(site.review.nlu_file.parent)


def validate(nlu: Path) -> None:
    """Rasa reads the copy of the training data, the annotation in it, without a warning."""
    done = subprocess.run(
        [
            *(str(VENV_BIN / "rasa"), "data", "validate", "--domain", "domain.yml"),
            *("--data", str(nlu), "data/rules", "data/stories", "--config", "config.yml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "UserWarning" not in done.stdout + done.stderr


def test_no_accessibility_violation_on_any_page(browser, page, site: Played) -> None:  # noqa: F811
    assert AXE.exists(), "axe-core missing: run `make install`"
    url = site.review.url
    conversation = url + conversation_path(site.sender)
    page.goto(conversation)
    annotate = url + page.get_by_role("link", name=re.compile("^Annoter")).first.get_attribute(
        "href"
    )
    for address in (url + "/", url + "/non-compris", conversation, annotate, url + "/nulle-part"):
        page.goto(address)
        assert axe_violations(page) == [], address
    page.goto(annotate)  # a refusal shown
    page.get_by_label("Intention correcte").select_option("greet")
    page.get_by_label("Exemple à ajouter").fill(f"rappelez moi au {PHONE}")
    page.get_by_role("button", name="Ajouter l'exemple").click()
    expect(page.get_by_role("alert")).to_contain_text("numéro de téléphone")
    assert axe_violations(page) == []
    context = browser.new_context(locale="fr-FR", bypass_csp=True)  # the 401 page
    signed_out = context.new_page()
    signed_out.goto(url + "/")
    assert axe_violations(signed_out) == []
    context.close()
