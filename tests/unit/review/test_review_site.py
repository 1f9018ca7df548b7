"""The review site over HTTP (``python -m review`` on a generated SQLite store): the secret,
the forms' CSRF checks, escaping, the exports, and no NIR or phone number on any page."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from html import unescape

import pytest
from review_events import slot, start, turn, user, write
from review_site import TOKEN, Review, compacted, running_review
from sqlalchemy import create_engine

from review.security import session_value

NIR_BODY = "2690549588157"  # of 2 69 05 49 588 157 80
PHONE = "612345678"  # of 06 12 34 56 78, +33 6 12 34 56 78
XSS = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'
PAGES = ["/", "/non-compris", "/export/apercu.csv", "/export/non-compris.csv"]


def conversations(now: float) -> list[tuple[str, list[dict]]]:
    """Messages as a store could hold them: a raw NIR (a store written without the masking
    wrapper), phone numbers typed, in a slot and an entity, markup, a formula."""
    first = start(now - 3600)
    first += turn(
        f"mon numéro 2 69 05 49 588 157 80 et mon tel 06 12 34 56 78 {XSS}",
        "nlu_fallback",
        "Vouliez-vous parler de…",
        now - 3500,
        ["action_two_stage_fallback"],
        0.35,
        ranking=[("nlu_fallback", 0.35), ("check_nir", 0.3), ("contact", 0.2), ("greet", 0.1)],
        entities=[{"entity": "department", "value": "+33 6 12 34 56 78", "start": 0, "end": 3}],
    )
    first += turn("=HYPERLINK(1) bizarre", "greet", "Bonjour", now - 3400, ["action_greet"], 0.2)
    second = start(now - 1800)
    second += [user("rappelez moi au +33 6 12 34 56 78", "inform", 0.9, now - 1700)]
    second += [slot("appointment_phone", "+33612345678", now - 1699)]
    second += turn(
        "jai perdu ma carte vitale",
        "nlu_fallback",
        "Pardon ?",
        now - 1600,
        ["action_two_stage_fallback"],
        0.35,
    )
    third = turn(
        "j'ai perdu ma carte Vitale !",
        "nlu_fallback",
        "Pardon ?",
        now - 600,
        ["action_two_stage_fallback"],
        0.35,
    )
    third.insert(-1, slot("topic", "carte_vitale", now - 599))
    return [
        ("first-0123456789abcdef", first),
        ("second-0123456789abcdef", second),
        ("third-0123456789abcdef", third),
    ]


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Review]:
    work = tmp_path_factory.mktemp("review-site")
    tracker = f"sqlite:///{work / 'tracker.db'}"
    write(create_engine(tracker, future=True), conversations(time.time()))
    with running_review(work, tracker) as running:
        yield running


def message_ids(review: Review) -> list[int]:
    return [
        int(n) for n in re.findall(r'href="/annoter/(\d+)"', review.request("/non-compris").body)
    ]


@pytest.mark.parametrize("path", [*PAGES, "/conversation?id=first-0123456789abcdef", "/annoter/1"])
def test_every_page_needs_the_secret(review: Review, path: str) -> None:
    for answer in (
        review.request(path, token=None),
        review.request(path, token="pas-le-bon"),
        review.request(path, token=None, headers={"Cookie": "relecture_session=" + "0" * 64}),
    ):
        assert answer.status == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert "Accès réservé" in answer.body and 'name="jeton"' in answer.body
        assert "first-0123456789abcdef" not in answer.body
    assert review.request(path).status == 200


def test_signing_in_gives_a_session_cookie_that_scripts_cannot_read(review: Review) -> None:
    origin = {"Origin": review.url}
    refused = review.request("/connexion", token=None, form={"jeton": "non"}, headers=origin)
    assert refused.status == 401 and "Ce jeton n'est pas le bon." in unescape(refused.body)
    foreign = review.request("/connexion", token=None, form={"jeton": TOKEN})
    assert foreign.status == 403
    signed = review.request("/connexion", token=None, form={"jeton": TOKEN}, headers=origin)
    assert signed.status == 303 and signed.headers["location"] == "/"
    (session,) = [c for c in signed.cookies if c.startswith("relecture_session=")]
    assert session.startswith(f"relecture_session={session_value(TOKEN)};") and TOKEN not in session
    assert "HttpOnly" in session and "SameSite=Strict" in session
    cookie = {"Cookie": f"relecture_session={session_value(TOKEN)}"}
    assert review.request("/", token=None, headers=cookie).status == 200


def test_security_headers_and_a_french_page_for_what_does_not_exist(review: Review) -> None:
    answer = review.request("/")
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert (
        answer.headers["x-frame-options"] == "DENY"
        and answer.headers["cache-control"] == "no-store"
    )
    for path in ("/nope", "/conversation?id=personne-0123456789abcdef", "/annoter/999999"):
        missing = review.request(path)
        assert missing.status == 404 and "Page introuvable" in missing.body


def test_what_users_typed_is_escaped(review: Review) -> None:
    for path in ("/non-compris", "/conversation?id=first-0123456789abcdef"):
        body = review.request(path).body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "<script" not in body and "<img" not in body


def test_no_page_and_no_export_shows_a_nir_or_a_phone_number(review: Review) -> None:
    paths = [*PAGES, *(f"/annoter/{n}" for n in message_ids(review))]
    paths += [f"/conversation?id={name}-0123456789abcdef" for name in ("first", "second", "third")]
    for path in paths:
        shown = compacted(review.request(path).body)
        assert NIR_BODY not in shown and PHONE not in shown, path
    assert "06••••••78" in compacted(
        review.request("/conversation?id=second-0123456789abcdef").body
    )


def test_near_duplicates_are_one_group_with_the_models_guesses(review: Review) -> None:
    body = review.request("/non-compris").body
    assert "2 messages, le dernier le" in body
    assert "check_nir" in body and "(30,0\u00a0%)" in body  # the top 3, fallback's own aside
    assert "=HYPERLINK(1) bizarre" in body  # understood with 20 %: below the threshold


def test_the_overview_draws_its_charts(review: Review) -> None:
    body = review.request("/").body
    assert body.count('<svg role="img"') == 3
    assert '<rect class="bar-messages"' in body and "graphique-intentions-titre" in body


def test_the_overview_export(review: Review) -> None:
    answer = review.request("/export/apercu.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["rubrique", "jour", "clé", "valeur"]
    totals = {row[2]: row[3] for row in rows if row[0] == "total"}
    assert (totals["conversations"], totals["messages"], totals["not_understood"]) == (
        "3",
        "5",
        "4",
    )
    assert sum(int(row[3]) for row in rows if row[0] == "par jour" and row[2] == "messages") == 5


def test_the_not_understood_export(review: Review) -> None:
    body = review.request("/export/non-compris.csv").body
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["nombre", "message", "formulations proches", "intention 1"]
    assert rows[1][0] == "2" and rows[1][-2].startswith(review.url + "/conversation?id=")
    assert any(row[1] == "'=HYPERLINK(1) bizarre" for row in rows)  # not a formula


def form_of(review: Review, message: int) -> tuple[str, str]:
    """The annotation form's CSRF value and the cookie that goes with it."""
    page = review.request(f"/annoter/{message}")
    (value,) = set(re.findall(r'name="csrf" value="([^"]+)"', page.body))
    (cookie,) = [c.split(";")[0] for c in page.cookies if c.startswith("relecture_csrf=")]
    assert "HttpOnly" in page.cookies[0] and "SameSite=Strict" in page.cookies[0]
    assert cookie == f"relecture_csrf={value}"
    return value, cookie


def test_annotating_is_refused_without_the_csrf_checks(review: Review) -> None:
    message = message_ids(review)[0]
    value, cookie = form_of(review, message)
    form = {"csrf": value, "intention": "greet", "exemple": "coucou la compagnie"}
    attempts = [
        ({"Cookie": cookie}, form),  # no Origin nor Referer
        ({"Cookie": cookie, "Origin": "http://evil.example"}, form),
        ({"Cookie": cookie, "Referer": "http://evil.example/page"}, form),
        ({"Cookie": cookie, "Origin": review.url}, {**form, "csrf": "autre"}),
        ({"Cookie": cookie, "Origin": review.url}, {k: v for k, v in form.items() if k != "csrf"}),
        ({"Origin": review.url}, form),  # no cookie
    ]
    for headers, sent in attempts:
        answer = review.request(f"/annoter/{message}", form=sent, headers=headers)
        assert answer.status == 403 and "Formulaire refusé" in answer.body
    assert not review.nlu_file.exists()


def test_annotating_appends_or_says_why_not(review: Review) -> None:
    message = message_ids(review)[0]
    value, cookie = form_of(review, message)
    headers = {"Cookie": cookie, "Referer": f"{review.url}/annoter/{message}"}
    refused = review.request(
        f"/annoter/{message}",
        form={"csrf": value, "intention": "inventee", "exemple": "salut la compagnie"},
        headers=headers,
    )
    assert refused.status == 422 and "n'existe pas dans domain.yml" in unescape(refused.body)
    assert "salut la compagnie" in refused.body  # the form keeps what was typed
    added = review.request(
        f"/annoter/{message}",
        form={"csrf": value, "intention": "greet", "exemple": "salut la compagnie"},
        headers=headers,
    )
    assert added.status == 303 and added.headers["location"] == f"/annoter/{message}?ajoute=greet"
    assert "- salut la compagnie" in review.nlu_file.read_text()
    shown = unescape(review.request(added.headers["location"]).body)
    assert "L'exemple a été ajouté à l'intention" in shown and "Annoté : greet" in shown
    again = review.request(
        f"/annoter/{message}",
        form={"csrf": value, "intention": "greet", "exemple": "Salut, la compagnie !"},
        headers=headers,
    )
    assert again.status == 422
    assert "figure déjà dans les données d'entraînement" in unescape(again.body)


def test_signing_out_needs_the_csrf_checks_too(review: Review) -> None:
    value, cookie = form_of(review, message_ids(review)[0])
    session = f"relecture_session={session_value(TOKEN)}"
    both = f"{cookie}; {session}"
    assert (
        review.request(
            "/deconnexion", token=None, form={"csrf": value}, headers={"Cookie": both}
        ).status
        == 403
    )
    out = review.request(
        "/deconnexion",
        token=None,
        form={"csrf": value},
        headers={"Cookie": both, "Origin": review.url},
    )
    assert out.status == 303 and any(
        c.startswith('relecture_session="";') or "Max-Age=0" in c for c in out.cookies
    )


def test_indexing_again_counts_nothing_twice(review: Review) -> None:
    before = review.request("/export/apercu.csv").body
    review.index()
    assert review.request("/export/apercu.csv").body == before
