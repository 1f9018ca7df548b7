"""The review site's pages (Sanic, Jinja2 with autoescape: every text shown is escaped).

    /                       overview of a period (?du=YYYY-MM-DD&au=YYYY-MM-DD)
    /non-compris            messages not understood, grouped (?page=N)
    /conversation?id=…      one conversation, turn by turn
    /annoter/<id>           annotate one message (GET the form, POST it)
    /export/apercu.csv      the overview's figures; /export/non-compris.csv the list

Pages read the review index only (:mod:`review.queries`); the index is refreshed from the
tracker store in the background every ``refresh_seconds``. Who may read and post:
:mod:`review.security`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sanic import Sanic, response
from sanic.exceptions import NotFound, SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Connection, Engine

from review import charts, exports, queries, security
from review.annotate import Added, Annotator, suggested_example
from review.index import Indexer
from review.pages import templates
from review.stats import Period, last_days, parse_period

logger = logging.getLogger("review")
STATIC = Path(__file__).resolve().parent / "static"
REFRESH_SECONDS = 10.0
PUBLIC = {"/static/review.css", "/connexion"}
T = TypeVar("T")


@dataclass
class Site:
    """What the pages need: the index, its indexer, the annotator, the secret."""

    engine: Engine
    indexer: Indexer
    annotator: Annotator
    token: str
    zone: ZoneInfo

    async def read(self, query: Callable[..., T], *args: Any) -> T:
        """Runs ``query(connection, *args)`` on the index, in a thread."""

        def run() -> T:
            with self.engine.connect() as connection:
                return query(connection, *args)

        return await asyncio.to_thread(run)

    def today(self) -> dt.date:
        return dt.datetime.now(self.zone).date()


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTTPResponse:
    page = (
        templates()
        .get_template(name)
        .render(csrf=request.ctx.csrf, path=request.path, signed_in=request.ctx.signed_in, **values)
    )
    return response.html(page, status=status)


def conversation_link(sender: str, seq: int | None = None) -> str:
    return f"/conversation?{urlencode({'id': sender})}" + (
        f"#tour-{seq}" if seq is not None else ""
    )


def create_app(site: Site, refresh_seconds: float = REFRESH_SECONDS) -> Sanic:
    """The Sanic app of the review site."""
    app = Sanic("secu_review", configure_logging=False)
    _guard(app, site)
    _sessions(app, site)
    _errors(app)
    _pages(app, site)
    _annotation(app, site)
    _exports(app, site)

    @app.after_server_start
    async def start_refreshing(app: Sanic, _loop: Any) -> None:
        app.ctx.refreshing = asyncio.ensure_future(_refresh_forever(site, refresh_seconds))

    @app.before_server_stop
    async def stop_refreshing(app: Sanic, _loop: Any) -> None:
        site.indexer.stopping.set()  # a run in progress ends after its batch
        app.ctx.refreshing.cancel()
        await asyncio.gather(app.ctx.refreshing, return_exceptions=True)

    return app


async def _refresh_forever(site: Site, seconds: float) -> None:
    while not site.indexer.stopping.is_set():
        try:
            run = await asyncio.to_thread(site.indexer.run)
            if run.events or run.removed:
                logger.info("indexed %d events, removed %d conversations", run.events, run.removed)
        except Exception:  # the store may be down for a while: the pages keep working
            logger.exception("the review index could not read the tracker store")
        await asyncio.sleep(seconds)


def _guard(app: Sanic, site: Site) -> None:
    """The secret on every page, the CSRF cookie, the security headers."""

    @app.on_request
    async def check(request: Request) -> HTTPResponse | None:
        request.ctx.csrf = request.cookies.get(security.CSRF_COOKIE) or security.new_csrf()
        request.ctx.signed_in = security.authorized(request.headers, request.cookies, site.token)
        if request.ctx.signed_in or request.path in PUBLIC:
            return None
        return render(request, "login.html", status=401)

    @app.on_response
    async def headers(request: Request, answer: HTTPResponse) -> None:
        answer.headers.update(security.HEADERS)
        if answer.status == 401:
            answer.headers["WWW-Authenticate"] = 'Bearer realm="relecture"'
        if getattr(request.ctx, "csrf", None) and not request.cookies.get(security.CSRF_COOKIE):
            _set_cookie(answer, security.CSRF_COOKIE, request.ctx.csrf)


def _sessions(app: Sanic, site: Site) -> None:
    """Signing in with the secret (a session cookie), signing out."""

    @app.get("/connexion")
    async def sign_in_page(_: Request) -> HTTPResponse:
        return response.redirect("/", status=303)  # the 401 page holds the form

    @app.post("/connexion")
    async def sign_in(request: Request) -> HTTPResponse:
        given = request.form.get("jeton") or ""
        if not security.same_host(request.headers):
            return render(request, "login.html", status=403, refused="origin")
        if not security.token_matches(given, site.token):
            return render(request, "login.html", status=401, refused="token")
        answer = response.redirect("/", status=303)
        _set_cookie(answer, security.SESSION_COOKIE, security.session_value(site.token))
        return answer

    @app.post("/deconnexion")
    async def sign_out(request: Request) -> HTTPResponse:
        if not security.csrf_accepted(request.headers, request.cookies, request.form.get("csrf")):
            return render(request, "error.html", status=403, error="csrf")
        answer = response.redirect("/", status=303)
        del answer.cookies[security.SESSION_COOKIE]
        return answer


def _errors(app: Sanic) -> None:
    """The style sheet (public) and the error pages, in French."""

    @app.get("/static/review.css")
    async def style(_: Request) -> HTTPResponse:
        return await response.file(STATIC / "review.css", mime_type="text/css; charset=utf-8")

    async def not_found(request: Request, _error: Exception) -> HTTPResponse:
        return render(request, "error.html", status=404, error="not_found")

    async def failed(request: Request, error: Exception) -> HTTPResponse:
        status = getattr(error, "status_code", 500) if isinstance(error, SanicException) else 500
        if status >= 500:
            logger.error("%s %s failed", request.method, request.path, exc_info=error)
        return render(request, "error.html", status=status, error="other")

    app.error_handler.add(NotFound, not_found)
    app.error_handler.add(Exception, failed)


def _set_cookie(answer: HTTPResponse, name: str, value: str) -> None:
    answer.cookies[name] = value
    for key, setting in security.COOKIE_SETTINGS.items():
        answer.cookies[name][key] = setting


def _period(request: Request, site: Site) -> tuple[Period, bool]:
    args = {key: request.args.get(key) or "" for key in ("du", "au")}
    return parse_period(args, site.today())


async def _common(request: Request, site: Site) -> dict[str, Any]:
    period, valid = _period(request, site)
    today = site.today()
    shortcuts = [(days, last_days(today, days)) for days in (7, 30, 90)]
    indexed = await site.read(queries.indexed_at, site.zone)
    return {"period": period, "valid_period": valid, "shortcuts": shortcuts, "indexed_at": indexed}


def _pages(app: Sanic, site: Site) -> None:
    @app.get("/")
    async def overview(request: Request) -> HTTPResponse:
        common = await _common(request, site)
        view = await site.read(queries.read_overview, common["period"])
        return render(
            request,
            "overview.html",
            view=view,
            per_day=charts.columns(view.per_day),
            intents=charts.bars(view.intents),
            topics=charts.bars(view.topics),
            **common,
        )

    @app.get("/non-compris")
    async def not_understood(request: Request) -> HTTPResponse:
        common = await _common(request, site)
        page = max(1, _int(request.args.get("page"), 1))
        offset = (page - 1) * queries.PAGE
        groups, total = await site.read(
            queries.not_understood, common["period"], queries.PAGE, offset
        )
        pages = max(1, -(-total // queries.PAGE))
        return render(
            request,
            "not_understood.html",
            groups=groups,
            total=total,
            first=offset + 1,
            page=page,
            pages=pages,
            link=conversation_link,
            **common,
        )

    @app.get("/conversation")
    async def conversation(request: Request) -> HTTPResponse:
        sender = request.args.get("id") or ""
        found = await site.read(queries.conversation, sender) if sender else None
        if found is None:
            raise NotFound("no such conversation")
        indexed = await site.read(queries.indexed_at, site.zone)
        return render(
            request,
            "conversation.html",
            view=found,
            zone=site.zone,
            indexed_at=indexed,
            threshold=site.indexer.reader.threshold,
        )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _annotation(app: Sanic, site: Site) -> None:
    async def form(
        request: Request, turn_id: int, status: int = 200, **values: Any
    ) -> HTTPResponse:
        found = await site.read(queries.one_message, turn_id)
        if found is None or found.turn.text is None:
            raise NotFound("no such message")
        intents, entities = site.annotator.domain()
        values.setdefault("example", suggested_example(found.turn.text, found.turn.entities))
        values.setdefault("intent", "")
        return render(
            request,
            "annotate.html",
            status=status,
            message=found,
            intents=intents,
            entities=entities,
            target=site.annotator.corpus.target.name,
            link=conversation_link(found.sender, found.turn.seq),
            added=request.args.get("ajoute"),
            **values,
        )

    @app.get("/annoter/<turn_id:int>")
    async def annotate_form(request: Request, turn_id: int) -> HTTPResponse:
        return await form(request, turn_id)

    @app.post("/annoter/<turn_id:int>")
    async def annotate(request: Request, turn_id: int) -> HTTPResponse:
        if not security.csrf_accepted(request.headers, request.cookies, request.form.get("csrf")):
            return render(request, "error.html", status=403, error="csrf")
        intent = request.form.get("intention") or ""
        example = request.form.get("exemple") or ""
        if await site.read(queries.one_message, turn_id) is None:
            raise NotFound("no such message")
        result = await asyncio.to_thread(site.annotator.add, intent, example)
        if not isinstance(result, Added):
            return await form(request, turn_id, 422, refusal=result, intent=intent, example=example)
        await asyncio.to_thread(_mark, site.engine, await _text_of(site, turn_id), result.intent)
        return response.redirect(
            f"/annoter/{turn_id}?{urlencode({'ajoute': result.intent})}", status=303
        )


async def _text_of(site: Site, turn_id: int) -> str:
    found = await site.read(queries.one_message, turn_id)
    return found.turn.text if found is not None and found.turn.text else ""


def _mark(engine: Engine, text: str, intent: str) -> None:
    with engine.begin() as connection:
        queries.mark_annotated(connection, text, intent)


def _exports(app: Sanic, site: Site) -> None:
    def csv_answer(body: str, name: str, period: Period) -> HTTPResponse:
        filename = f"{name}_{period.first}_{period.last}.csv"
        return response.raw(
            body.encode("utf-8"),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @app.get("/export/apercu.csv")
    async def overview_csv(request: Request) -> HTTPResponse:
        period, _ = _period(request, site)
        view = await site.read(queries.read_overview, period)
        return csv_answer(exports.overview_csv(view), "apercu", period)

    @app.get("/export/non-compris.csv")
    async def not_understood_csv(request: Request) -> HTTPResponse:
        period, _ = _period(request, site)
        groups, _total = await site.read(_all_groups, period)
        base = f"{request.scheme}://{request.host}"
        links = [base + conversation_link(g.example.sender, g.example.seq) for g in groups]
        return csv_answer(exports.not_understood_csv(groups, links), "non-compris", period)


def _all_groups(connection: Connection, period: Period) -> tuple[list[queries.Group], int]:
    return queries.not_understood(connection, period, limit=None)
