"""The catalogue's templates (services/notify/templates/, Jinja2): what each notification says, per channel.

`<kind>.txt` holds the blocks `sms`, `subject`, `text`, `inbox_title` and `inbox` (the blocks of the channels the
kind has), `<kind>.html` the HTML body of its e-mail; `_letter.txt` and `_layout.html` frame every e-mail (greeting,
signature, the unsubscribe link). Undefined parameters are errors (StrictUndefined), HTML is autoescaped, texts are
not. One-line parts (SMS, subject, inbox) have their line breaks and runs of spaces made single spaces, so a
template may be wrapped freely; the e-mail's text keeps its paragraphs.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
    select_autoescape,
)
from markupsafe import Markup, escape

from kit.errors import InvalidInput
from services.notify.domain import texts

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ONE_LINE = ("sms", "subject", "inbox_title", "inbox")
_SPACES = re.compile(r"[ \t\r\n]+")  # not the no-break spaces of money
_BLANK_LINES = re.compile(r"\n{3,}")
DEFAULT_TIME_ZONE = "Europe/Moscow"


@dataclass(frozen=True)
class Rendered:
    """A notice's texts (those of the parts asked for; others "")."""

    sms: str = ""
    subject: str = ""
    text: str = ""  # the e-mail's own words, without greeting and signature (see Templates.letter)
    html: str = ""  # likewise, HTML
    inbox_title: str = ""
    inbox: str = ""


@dataclass(frozen=True)
class Letter:
    text: str
    html: str


class Templates:
    """The template files, loaded once per process (Jinja caches the compiled templates)."""

    def __init__(self, directory: Path = TEMPLATES) -> None:
        self.env = Environment(loader=FileSystemLoader(directory), undefined=StrictUndefined,
                               autoescape=select_autoescape(["html"]), lstrip_blocks=True,
                               auto_reload=False)
        self.env.filters.update(rub=_rub, kwh=_kwh, month=_month, date=_date, day=_day_month, readings=_readings,
                                balance=_balance, sentence=_sentence, paragraphs=_paragraphs, moment=_moment)

    def render(self, kind: str, parts: tuple[str, ...], params: dict) -> Rendered:
        """The parts ("sms", "subject", "text", "html", "inbox_title", "inbox") of a kind with these parameters; a
        parameter a template uses but nobody gave is an InvalidInput (the producer's fact is malformed)."""
        out: dict[str, str] = {}
        try:
            txt = self.env.get_template(f"{kind}.txt")
            context = txt.new_context(params)
            for part in parts:
                if part == "html":
                    out[part] = self.env.get_template(f"{kind}.html").render(params).strip()
                else:
                    out[part] = _tidy(part, "".join(txt.blocks[part](context)))
        except (TemplateError, KeyError, ValueError, TypeError) as exc:
            raise InvalidInput(f"{kind}: cannot render: {exc!r}", code="malformed_notice") from exc
        return Rendered(**out)

    def letter(self, rendered: Rendered, *, unsubscribe_url: str, category_title: str, public_url: str) -> Letter:
        """The whole e-mail: the kind's words in the shared frame (greeting, signature, unsubscribe link)."""
        frame = dict(unsubscribe_url=unsubscribe_url, category_title=category_title, public_url=public_url)
        text = self.env.get_template("_letter.txt").render(content=rendered.text, **frame)
        html = self.env.get_template("_layout.html").render(content=Markup(rendered.html), subject=rendered.subject,
                                                            **frame)
        return Letter(_tidy("text", text), html.strip())

    def blocks(self, kind: str) -> set[str]:
        """The blocks `<kind>.txt` has (for the test that every kind has the parts of its channels)."""
        return set(self.env.get_template(f"{kind}.txt").blocks)


def _tidy(part: str, value: str) -> str:
    if part in ONE_LINE:
        return _SPACES.sub(" ", value).strip()
    lines = "\n".join(line.rstrip() for line in value.strip().splitlines())
    return _BLANK_LINES.sub("\n\n", lines)


# --- filters (documented in templates/README.md) -------------------------------------------------------

def _rub(kop) -> str:
    return texts.format_rub(int(kop))


def _kwh(value) -> str:
    return texts.format_kwh(Decimal(str(value)))


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _month(value) -> str:
    """"2026-11" or a date -> «ноябрь 2026 г.»."""
    if isinstance(value, dt.date):
        return texts.month_text(value)
    return texts.month_text(dt.datetime.strptime(str(value), "%Y-%m").date())


def _date(value) -> str:
    """"2026-12-10" or a date -> «10.12.2026»."""
    return texts.day_text(_day(value))


def _day_month(value) -> str:
    """"2026-11-25" or a date -> «25.11» (SMS: the year goes without saying)."""
    return f"{_day(value):%d.%m}"


def _readings(values: dict, consumption: dict | None = None) -> str:
    return texts.zone_list(values, consumption)


def _balance(state: str, balance_kop) -> str:
    return texts.balance_sentence(state, int(balance_kop))


def _sentence(value: str) -> str:
    """A text that ends as a sentence does: «Недостаточно средств» -> «Недостаточно средств.»."""
    value = str(value).strip()
    return value if not value or value[-1] in ".!?…" else f"{value}."


def _paragraphs(value: str) -> Markup:
    """Plain text (a staff reply) as HTML paragraphs, escaped, line breaks kept."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
    return Markup("".join(f"<p>{escape(p)}</p>".replace("\n", Markup("<br>\n")) for p in paras))


@pass_context
def _moment(context, value) -> str:
    """An RFC 3339 moment (or a datetime) in the customer's time zone: «04.12.2026 в 08:15»."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    zone = context.get("time_zone") or DEFAULT_TIME_ZONE
    try:
        local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = moment.astimezone(zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE))
    return f"{local:%d.%m.%Y} в {local:%H:%M}"


@functools.cache
def default_templates() -> Templates:
    """The service's templates, compiled once per process."""
    return Templates()
