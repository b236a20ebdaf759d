"""The consumption series as files, the Green Button way: a CSV for Excel and an ESPI Atom feed.

ESPI (NAESB REQ.21): one UsagePoint (the лицевой счёт, electricity); per zone a MeterReading with its ReadingType
(Wh, commodity electricity, delta data per month, the zone as `tou`) and an IntervalBlock with one
IntervalReading per month {timePeriod start (Unix seconds) and duration (seconds), value in Wh}.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from xml.etree import ElementTree as ET

from kabinet_vocabulary import ZONE

from services.readings.domain.consumption import Series, wh

ATOM = "http://www.w3.org/2005/Atom"
ESPI = "http://naesb.org/espi"
ET.register_namespace("", ATOM)
ET.register_namespace("espi", ESPI)
IDS = uuid.UUID("6f1c1a52-8f0e-4f57-9d7e-3b0c6d1e9a10")  # namespace of the feed's stable entry ids

# ReadingType codes (ESPI enumerations)
ACCUMULATION_DELTA = "4"   # deltaData: consumption of the interval
COMMODITY_ELECTRICITY = "1"  # electricity SecondaryMetered
FLOW_FORWARD = "1"
KIND_ENERGY = "12"
UOM_WH = "72"
SERVICE_ELECTRICITY = "0"

CSV_HEADER = ("период", "зона", "кВт·ч", "начислено ₽")


def csv_bytes(series: Series) -> bytes:
    """UTF-8 with BOM (Excel), ";" separated, decimal commas; one row per month and zone, a month without
    readings as one row with an empty zone; the month's charge on its first row only."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for point in series.points:
        rows = point.zones or (("", None),)
        for i, (zone, kwh) in enumerate(rows):
            charged = _rub(point.charged_kop) if i == 0 and series.charges_available else ""
            writer.writerow((point.label or f"{point.period:%Y-%m}", ZONE.title(zone) if zone else "",
                             "" if kwh is None else str(kwh).replace(".", ","), charged))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rub(kop: int) -> str:
    sign = "-" if kop < 0 else ""
    return f"{sign}{abs(kop) // 100},{abs(kop) % 100:02d}"


def feed_bytes(series: Series, *, now: dt.datetime | None = None) -> bytes:
    updated = _iso(now or dt.datetime.now(dt.UTC))
    feed = ET.Element(_a("feed"))
    _text(feed, _a("id"), _urn(series.account_id, "feed", series.meter_id))
    _text(feed, _a("title"), "Потребление электроэнергии по лицевому счёту")
    _text(feed, _a("updated"), updated)
    base = f"/espi/UsagePoint/{series.account_id}"
    usage_point = ET.Element(_e("UsagePoint"))
    _text(ET.SubElement(usage_point, _e("ServiceCategory")), _e("kind"), SERVICE_ELECTRICITY)
    _entry(feed, series, "usage_point", "Лицевой счёт", base, usage_point, updated,
           related=[f"{base}/MeterReading"])
    for zone in _zones(series):
        title = ZONE.title(zone)
        reading_href, type_href = f"{base}/MeterReading/{zone}", f"/espi/ReadingType/{zone}"
        block_href = f"{reading_href}/IntervalBlock"
        _entry(feed, series, f"meter_reading/{zone}", f"Показания: {title}", reading_href,
               ET.Element(_e("MeterReading")), updated, related=[type_href, block_href])
        _entry(feed, series, f"reading_type/{zone}", f"кВт·ч, {title}", type_href, _reading_type(zone), updated)
        _entry(feed, series, f"interval_block/{zone}", f"Помесячно: {title}", block_href,
               _interval_block(series, zone), updated)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _zones(series: Series) -> list[str]:
    seen = {zone for point in series.points for zone, _ in point.zones}
    return [code for code in ZONE.codes if code in seen]


def _reading_type(zone: str) -> ET.Element:
    element = ET.Element(_e("ReadingType"))
    for name, value in (("accumulationBehaviour", ACCUMULATION_DELTA), ("commodity", COMMODITY_ELECTRICITY),
                        ("flowDirection", FLOW_FORWARD), ("kind", KIND_ENERGY), ("powerOfTenMultiplier", "0"),
                        ("tou", str(list(ZONE.codes).index(zone))), ("uom", UOM_WH)):  # the XSD's order
        _text(element, _e(name), value)
    return element


def _interval_block(series: Series, zone: str) -> ET.Element:
    block = ET.Element(_e("IntervalBlock"))
    first, last = series.points[0], series.points[-1]
    _period(block, "interval", first.start, int((last.start - first.start).total_seconds()) + last.duration_seconds)
    for point in series.points:
        kwh = dict(point.zones).get(zone)
        if kwh is None:
            continue
        reading = ET.SubElement(block, _e("IntervalReading"))
        _period(reading, "timePeriod", point.start, point.duration_seconds)
        _text(reading, _e("value"), str(wh(kwh)))
    return block


def _period(parent: ET.Element, name: str, start: dt.datetime, duration: int) -> None:
    element = ET.SubElement(parent, _e(name))
    _text(element, _e("duration"), str(duration))
    _text(element, _e("start"), str(int(start.timestamp())))


def _entry(feed, series: Series, key: str, title: str, href: str, content: ET.Element, updated: str,
           related: list[str] = ()) -> None:
    entry = ET.SubElement(feed, _a("entry"))
    _text(entry, _a("id"), _urn(series.account_id, key, series.meter_id))
    ET.SubElement(entry, _a("link"), rel="self", href=href)
    for other in related:
        ET.SubElement(entry, _a("link"), rel="related", href=other)
    _text(entry, _a("title"), title)
    ET.SubElement(entry, _a("content")).append(content)
    _text(entry, _a("published"), updated)
    _text(entry, _a("updated"), updated)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _urn(account_id: str, key: str, meter_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(IDS, f'{account_id}/{meter_id}/{key}')}"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _a(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _e(name: str) -> str:
    return f"{{{ESPI}}}{name}"
