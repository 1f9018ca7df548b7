"""The chat widget in a real browser (Debian's Chromium driven by Playwright) on the
demo page, against the real assistant; accessibility checked with axe-core."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, Assistant, stop, wait_until_up

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT = os.environ.get("WIDGET_SCREENSHOT")  # where to save a picture of the demo page
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def demo_page(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = assistant.web_origin.rsplit(":", 1)[1]
    log = tmp_path_factory.mktemp("web") / "web.log"
    env = {**os.environ, "WEB_PORT": port, "RASA_PUBLIC_URL": assistant.rasa_url}
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve_web.py")],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"{assistant.web_origin}/", server, log, timeout=30)
        yield assistant.web_origin + "/"
    finally:
        stop(server)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, demo_page: str) -> Iterator:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    opened.goto(demo_page)
    yield opened
    context.close()


# The interface in each language (issue #15): the launcher's name, the input's label.
LAUNCHER = {"fr": "Ouvrir l'assistant (non officiel)", "en": "Open the assistant (unofficial)"}
INPUT = {"fr": "Votre message", "en": "Your message"}
SWITCH = {lang: f'/switch_language{{"language":"{lang}"}}' for lang in ("fr", "en")}


def launcher(page, lang: str = "fr"):
    return page.get_by_role("button", name=LAUNCHER[lang])


def open_with_keyboard(page, lang: str = "fr") -> None:
    launcher(page, lang).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label(INPUT[lang])).to_be_focused()


def say(page, text: str, lang: str = "fr") -> None:
    page.get_by_label(INPUT[lang]).fill(text)
    page.keyboard.press("Enter")


def fake_assistant(page, answer) -> list[str]:
    """The widget's requests answered by ``answer(message)`` instead of the assistant;
    returns the messages posted, in order."""
    posted: list[str] = []

    def handle(route) -> None:
        message = json.loads(route.request.post_data)["message"]
        posted.append(message)
        route.fulfill(json=answer(message))

    page.route("**/webhooks/rest/webhook", handle)
    return posted


def answered(page) -> None:
    """Waits until no answer is coming."""
    expect(page.locator(".sa-typing")).to_have_text("")


def bot_messages(page):
    return page.locator(".sa-bot")


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def test_keyboard_conversation_with_quick_replies(page) -> None:
    open_with_keyboard(page)
    greeting = bot_messages(page).first
    expect(greeting).to_contain_text("non officiel")
    say(page, "j'ai perdu ma carte vitale")
    expect(page.locator(".sa-user").last).to_have_text("j'ai perdu ma carte vitale")
    expect(bot_messages(page).last).to_contain_text("compte ameli")
    link = bot_messages(page).last.locator("a").first
    expect(link).to_have_attribute("href", "https://assure.ameli.fr")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    page.get_by_role("button", name="Obtenir une attestation").click()
    expect(page.locator(".sa-user").last).to_have_text("Obtenir une attestation")
    expect(bot_messages(page).last).to_contain_text("attestation")
    page.keyboard.press("Escape")
    expect(page.locator("#sa-panel")).to_be_hidden()
    expect(launcher(page)).to_be_focused()


def test_the_conversation_survives_a_reload_and_can_start_afresh(page) -> None:
    open_with_keyboard(page)
    expect(bot_messages(page).first).to_contain_text("non officiel")  # the greeting
    greeted = bot_messages(page).count()
    say(page, "c'est quoi un NIA ?")
    expect(bot_messages(page)).not_to_have_count(greeted)  # the answer is there
    expect(page.locator(".sa-typing")).to_have_text("")  # and nothing more is coming
    count = bot_messages(page).count()
    sender = page.evaluate("Object.values(sessionStorage).map(JSON.parse)[0].sender")
    page.reload()
    expect(page.locator("#sa-panel")).to_be_visible()
    expect(bot_messages(page)).to_have_count(count)
    expect(page.locator(".sa-user").last).to_have_text("c'est quoi un NIA ?")
    page.get_by_role("button", name="Nouvelle conversation").click()
    expect(page.locator(".sa-user")).to_have_count(0)
    expect(bot_messages(page).first).to_contain_text("non officiel")
    assert page.evaluate("Object.values(sessionStorage).map(JSON.parse)[0].sender") != sender


# NIRs as people type them (13-character body, then the key), and what is stored.
TYPED_NIRS = {
    "1850578006084": ("1 85 05 78 006 084 91", "1 85 05 •• ••• ••• ••"),
    "2930375115123": (
        "mon numéro : 2\u00a093\u00a003\u00a075\u00a0115\u00a0123\u00a075",
        "2\u00a093\u00a003\u00a0••",
    ),
    "1781113055012": ("１ ７８ １１ １３ ０５５ ０１２ １４", "１ ７８ １１ •• ••• ••• ••"),
    "284122A004123": ("2.84.12.2a.004.123.70 c'est bon ?", "2.84.12.••.•••.•••.••"),
}
UUID = "12345678-1234-5678-1234-567812345678"
NOT_NIRS = (
    "mon téléphone 06 12 34 56 78 ou +33 6 12 34 56 78, code postal 75011, "
    f"RDV-7K3F9Q, dossier {UUID}"
)
SEPARATORS = set(" .,/_-·\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def compacted(text: str) -> str:
    """Digits in ASCII, separators removed, upper case: where a NIR's body would show."""
    chars = []
    for char in unicodedata.normalize("NFKC", text):
        if unicodedata.category(char) == "Nd":
            chars.append(str(unicodedata.digit(char)))
        elif not (char.isspace() or char in SEPARATORS):
            chars.append(char)
    return "".join(chars).upper()


def test_the_stored_conversation_keeps_nirs_masked(page) -> None:
    open_with_keyboard(page)
    expect(bot_messages(page).first).to_contain_text("non officiel")
    for typed, _ in [*TYPED_NIRS.values(), (NOT_NIRS, "")]:
        before = bot_messages(page).count()
        say(page, typed)
        expect(bot_messages(page).nth(before)).to_be_visible()  # the answer came
        expect(page.get_by_text("L'assistant écrit…")).to_have_count(0)
    # On this page the messages are shown as typed.
    expect(page.locator(".sa-user").first).to_have_text("1 85 05 78 006 084 91")
    count = bot_messages(page).count()
    page.reload()
    stored = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
    assert "•" in stored
    for body, (_, masked) in TYPED_NIRS.items():
        assert body not in compacted(stored), body
        assert body[:5] + "••" in compacted(stored)
        assert masked in stored
    for kept in ("06 12 34 56 78", "+33 6 12 34 56 78", "75011", "RDV-7K3F9Q", UUID):
        assert kept in stored
    # The history is still shown after the reload, masked.
    expect(page.locator("#sa-panel")).to_be_visible()
    expect(bot_messages(page)).to_have_count(count)
    users = page.locator(".sa-user")
    expect(users).to_have_count(len(TYPED_NIRS) + 1)
    expect(users.first).to_have_text("1 85 05 •• ••• ••• ••")
    expect(users.nth(2)).to_have_text("１ ７８ １１ •• ••• ••• ••")
    expect(users.last).to_have_text(NOT_NIRS)
    shown = compacted(page.locator(".sa-log").inner_text())
    assert not any(body in shown for body in TYPED_NIRS)


def test_server_down_gives_a_french_error_then_retry_works(page) -> None:
    open_with_keyboard(page)
    expect(bot_messages(page).first).to_contain_text("non officiel")
    page.route("**/webhooks/rest/webhook", lambda route: route.abort("connectionrefused"))
    say(page, "quel est le numero de la cpam ?")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Le service ne répond pas")
    page.unroute("**/webhooks/rest/webhook")
    page.get_by_role("button", name="Réessayer").click()
    expect(bot_messages(page).last).to_contain_text("3646")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_bot_text_is_never_turned_into_html(page) -> None:
    page.route(
        "**/webhooks/rest/webhook",
        lambda route: route.fulfill(
            json=[{"text": "<img src=x onerror=alert(1)> voir https://www.ameli.fr."}]
        ),
    )
    open_with_keyboard(page)
    bubble = bot_messages(page).last
    expect(bubble).to_contain_text("<img src=x onerror=alert(1)>")
    assert bubble.locator("img").count() == 0
    expect(bubble.locator("a")).to_have_attribute("href", "https://www.ameli.fr")


def test_answers_arriving_while_closed_show_an_unread_badge(page) -> None:
    held: list = []
    page.route("**/webhooks/rest/webhook", lambda route: held.append(route))
    open_with_keyboard(page)  # asks for the greeting, held back by the route
    page.keyboard.press("Escape")
    while not held:
        page.wait_for_timeout(50)
    held[0].fulfill(json=[{"text": "Bonjour !"}, {"text": "Que puis-je faire ?"}])
    badge = page.get_by_role(
        "button", name="Ouvrir l'assistant (non officiel), 2 nouveaux messages"
    )
    expect(badge).to_be_visible()
    badge.click()
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    expect(bot_messages(page)).to_have_count(2)


def test_usable_on_a_small_phone(browser, demo_page: str) -> None:
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo_page)
    launcher(page).click()
    box = page.locator("#sa-panel").bounding_box()
    assert box is not None and box["width"] == 320 and box["height"] == 640
    say(page, "bonjour")
    expect(bot_messages(page).last).to_be_visible()
    context.close()


def test_no_accessibility_violation_closed_and_open(browser, demo_page: str) -> None:
    assert AXE.exists(), "axe-core missing: run `make install`"
    # The demo page's Content-Security-Policy forbids injected scripts, axe-core included.
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 860}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(demo_page)
    assert axe_violations(page) == []
    open_with_keyboard(page)
    say(page, "je voudrais un rendez-vous")
    expect(page.get_by_role("button", name="Carte Vitale (perte, vol, commande)")).to_be_visible()
    assert axe_violations(page) == []
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)
    context.close()


# Issue #15: English. Rasa's REST channel sends the server's custom.lang as a message of
# its own after the texts; the widget also takes it on the message itself.
def switch_answer(message: str) -> list[dict]:
    if message == "/greet":
        return [{"text": "Bonjour, je suis un assistant non officiel.", "custom": {"lang": "fr"}}]
    lang = "en" if message == SWITCH["en"] else "fr"
    return [{"text": f"Language {lang}."}, {"custom": {"lang": lang}}]


def test_switching_to_english_gets_english_answers(page) -> None:
    open_with_keyboard(page)
    expect(bot_messages(page).first).to_contain_text("non officiel")
    answered(page)
    switch = page.get_by_role("button", name="English", exact=True)
    expect(switch).to_have_attribute("lang", "en")
    greeted = bot_messages(page).count()
    switch.click()
    expect(page.locator(".sa-user").last).to_have_text("English")
    expect(page.locator(".sa-user").last).to_have_attribute("lang", "en")
    expect(page.locator(".sa-root")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Français", exact=True)).to_have_attribute("lang", "fr")
    expect(bot_messages(page).nth(greeted)).to_have_attribute("lang", "en")
    answered(page)
    before = bot_messages(page).count()
    say(page, "how do I get a social security number? I was born in Morocco", "en")
    expect(page.locator(".sa-user").last).to_have_attribute("lang", "en")
    expect(bot_messages(page).nth(before)).to_be_visible()
    answered(page)
    answer = "\n".join(bot_messages(page).all_inner_texts()[before:])
    assert re.search(r"\b(born|number)\b", answer, re.IGNORECASE), answer
    for index in range(before, bot_messages(page).count()):
        expect(bot_messages(page).nth(index)).to_have_attribute("lang", "en")
    expect(page.locator(".sa-root")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Your message")).to_be_visible()


def test_the_interface_follows_the_language_of_the_answers(page) -> None:
    replies = {
        "/greet": [{"text": "Bonjour !", "custom": {"lang": "fr"}}],
        "hello, I lost my social security number": [
            {"text": "It is on your carte Vitale."},
            {"text": "Or:", "buttons": [{"title": "I lost my card", "payload": "/lost_card"}]},
            {"custom": {"lang": "en"}},
        ],
        "ok": [{"text": "An answer without custom.lang"}],
        "bonjour, finalement je préfère le français": [
            {"text": "Très bien.", "custom": {"lang": "fr"}}
        ],
    }
    posted = fake_assistant(page, replies.__getitem__)
    open_with_keyboard(page)
    expect(bot_messages(page).first).to_have_attribute("lang", "fr")
    say(page, "hello, I lost my social security number")
    expect(bot_messages(page)).to_have_count(3)
    expect(page.locator(".sa-root")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Your message")).to_be_visible()
    expect(launcher(page, "en")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".sa-user").last).to_have_attribute("lang", "fr")  # typed in French UI
    expect(bot_messages(page).nth(1)).to_have_attribute("lang", "en")
    expect(bot_messages(page).nth(2)).to_have_attribute("lang", "en")
    expect(page.get_by_role("group", name="Suggested replies")).to_be_visible()
    expect(page.get_by_role("button", name="I lost my card")).to_have_attribute("lang", "en")
    say(page, "ok", "en")
    expect(bot_messages(page)).to_have_count(4)
    assert bot_messages(page).last.get_attribute("lang") is None  # the root's language
    expect(page.locator(".sa-user").last).to_have_attribute("lang", "en")
    expect(page.locator(".sa-root")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_label("Your message")).to_be_visible()
    expect(bot_messages(page).first).to_have_attribute("lang", "fr")
    expect(bot_messages(page).nth(1)).to_have_attribute("lang", "en")
    stored = page.evaluate("Object.values(sessionStorage).map(JSON.parse)[0]")
    langs = [message.get("lang") for message in stored["messages"]]
    assert (stored["lang"], langs) == ("en", ["fr", "fr", "en", "en", "en", None])
    say(page, "bonjour, finalement je préfère le français", "en")
    expect(page.locator(".sa-root")).to_have_attribute("lang", "fr")
    expect(page.get_by_label("Votre message")).to_be_visible()
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    assert not any(message.startswith("/switch_language") for message in posted)


def test_data_lang_en_starts_the_widget_in_english(browser, demo_page: str) -> None:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860})
    page = context.new_page()

    def in_english(route) -> None:
        response = route.fetch()
        html = response.text()
        assert 'data-lang="fr"' in html
        route.fulfill(response=response, body=html.replace('data-lang="fr"', 'data-lang="en"'))

    page.route(demo_page, in_english)
    posted = fake_assistant(page, switch_answer)
    page.goto(demo_page)
    expect(page.locator(".sa-root")).to_have_attribute("lang", "en")
    expect(launcher(page, "en")).to_have_text("A question?")
    open_with_keyboard(page, "en")
    expect(page.get_by_role("heading", name="Social security assistant")).to_be_visible()
    expect(page.locator(".sa-sub")).to_have_text(
        "Unofficial assistant, independent of the Assurance Maladie"
    )
    for name in ("Send", "New conversation", "Close the assistant"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Français", exact=True)).to_have_attribute("lang", "fr")
    # The server is asked for English instead of the French greeting, unseen.
    expect(bot_messages(page)).to_have_count(1)
    expect(bot_messages(page).first).to_have_attribute("lang", "en")
    assert posted == [SWITCH["en"]]
    expect(page.locator(".sa-user")).to_have_count(0)
    page.get_by_role("button", name="New conversation").click()
    expect(bot_messages(page)).to_have_count(1)
    answered(page)
    assert posted == [SWITCH["en"], SWITCH["en"]]
    page.unroute("**/webhooks/rest/webhook")
    page.route("**/webhooks/rest/webhook", lambda route: route.abort("connectionrefused"))
    say(page, "hello", "en")
    expect(page.get_by_role("alert")).to_contain_text("The service is not answering")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    page.keyboard.press("Escape")
    expect(launcher(page, "en")).to_be_focused()
    context.close()


def test_the_demo_page_links_change_the_widget_language(page) -> None:
    posted = fake_assistant(page, switch_answer)
    open_with_keyboard(page)
    expect(bot_messages(page)).to_have_count(1)
    page.get_by_role("link", name="Demo in English").click()
    expect(page).to_have_url(re.compile(r"\?lang=en$"))
    # The conversation goes on in English: the server is told once, the person sees it.
    expect(page.get_by_label("Your message")).to_be_visible()
    expect(bot_messages(page)).to_have_count(2)
    expect(bot_messages(page).last).to_have_attribute("lang", "en")
    assert posted == ["/greet", SWITCH["en"]]
    page.reload()
    expect(bot_messages(page)).to_have_count(2)
    page.wait_for_timeout(500)
    assert posted == ["/greet", SWITCH["en"]]
    page.get_by_role("link", name="Démo en français").click()
    expect(page.get_by_label("Votre message")).to_be_visible()
    expect(bot_messages(page)).to_have_count(3)
    assert posted == ["/greet", SWITCH["en"], SWITCH["fr"]]
    expect(page.locator(".sa-user")).to_have_count(0)


def test_no_accessibility_violation_in_english(browser, demo_page: str) -> None:
    assert AXE.exists(), "axe-core missing: run `make install`"
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 860}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(demo_page + "?lang=en")
    expect(launcher(page, "en")).to_be_visible()
    assert axe_violations(page) == []
    open_with_keyboard(page, "en")
    expect(bot_messages(page).first).to_be_visible()
    answered(page)
    before = bot_messages(page).count()
    say(page, "I would like an appointment", "en")
    expect(bot_messages(page).nth(before)).to_be_visible()
    answered(page)
    # The real assistant answers in English, and says so to the widget.
    expect(bot_messages(page).nth(before)).to_contain_text("real appointment")
    expect(bot_messages(page).nth(before)).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Carte Vitale (lost, stolen, order)")).to_be_visible()
    assert axe_violations(page) == []
    # Both languages in the conversation, the interface back in French.
    page.get_by_role("button", name="Français", exact=True).click()
    expect(page.get_by_label("Votre message")).to_be_visible()
    expect(page.locator(".sa-user").last).to_have_text("Français")
    answered(page)
    assert axe_violations(page) == []
    context.close()
