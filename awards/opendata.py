"""Open data of announced results and their grants: one record per grant, modelled on the
360Giving Data Standard's grant fields, as a JSON package (with its JSON Schema, awards/schemas/)
and as CSV with 360Giving-style column titles.

Only winners of announced contests and their grants appear (awards.selectors.open_data_grants),
and nothing about people: organisations, titles, amounts, dates and places — what the public
results page shows, plus the grant's purpose, plan and paid tranches. The format is versioned
(FORMAT_VERSION, the schema's URL has its major version); add fields freely, but a field that
changes meaning or goes away needs /open-data/schema/v2.json.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.regions import Region
from contests.models import Contest
from core import clock, site
from core.exports import CHUNK, Batched, chunked
from core.models import OpenDataLicence
from grants.models import Grant

FORMAT = "konkurs.open-data.grants"
FORMAT_VERSION = "1.0"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "grants-v1.json"
STANDARD_URL = "https://standard.threesixtygiving.org/"
LICENCE_URLS = {
    OpenDataLicence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    OpenDataLicence.CC_BY_SA_4: "https://creativecommons.org/licenses/by-sa/4.0/",
    OpenDataLicence.CC0_1: "https://creativecommons.org/publicdomain/zero/1.0/",
    OpenDataLicence.ODC_BY_1: "https://opendatacommons.org/licenses/by/1-0/",
}
# The licences' names as published (English, as their authors name them), whatever the page's language.
LICENCE_NAMES = {
    OpenDataLicence.CC_BY_4: "Creative Commons Attribution 4.0 International",
    OpenDataLicence.CC_BY_SA_4: "Creative Commons Attribution-ShareAlike 4.0 International",
    OpenDataLicence.CC0_1: "Creative Commons Zero 1.0 Universal",
    OpenDataLicence.ODC_BY_1: "Open Data Commons Attribution License 1.0",
}
# ISO 3166-2:UA codes of the regions (beneficiaryLocation.geoCode).
GEO_CODES = {
    Region.CRIMEA: "UA-43",
    Region.VINNYTSIA: "UA-05",
    Region.VOLYN: "UA-07",
    Region.DNIPROPETROVSK: "UA-12",
    Region.DONETSK: "UA-14",
    Region.ZHYTOMYR: "UA-18",
    Region.ZAKARPATTIA: "UA-21",
    Region.ZAPORIZHZHIA: "UA-23",
    Region.IVANO_FRANKIVSK: "UA-26",
    Region.KYIV_OBLAST: "UA-32",
    Region.KIROVOHRAD: "UA-35",
    Region.LUHANSK: "UA-09",
    Region.LVIV: "UA-46",
    Region.MYKOLAIV: "UA-48",
    Region.ODESA: "UA-51",
    Region.POLTAVA: "UA-53",
    Region.RIVNE: "UA-56",
    Region.SUMY: "UA-59",
    Region.TERNOPIL: "UA-61",
    Region.KHARKIV: "UA-63",
    Region.KHERSON: "UA-65",
    Region.KHMELNYTSKYI: "UA-68",
    Region.CHERKASY: "UA-71",
    Region.CHERNIVTSI: "UA-77",
    Region.CHERNIHIV: "UA-74",
    Region.KYIV_CITY: "UA-30",
    Region.SEVASTOPOL: "UA-40",
}
CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:City",
    "Recipient Org:Region",
    "Recipient Org:Country",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Grant Programme:URL",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Application Number",
    "Nomination",
    "Grant Status",
    "Amount Disbursed",
    "Tranches",
    "Last Modified",
]


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def absolute(path: str) -> str:
    # The site's own address, not the request's: the data says the same whoever asks.
    return settings.SITE_URL.rstrip("/") + path


def schema_url() -> str:
    return absolute(reverse("awards:open_data_schema", args=[1]))


def licence() -> dict[str, str]:
    """The licence chosen on the site settings page, else OPEN_DATA_LICENCE (CC BY 4.0)."""
    spdx = site.current().open_data_licence or "CC-BY-4.0"
    known = spdx in OpenDataLicence.values
    return {
        "id": spdx,
        "name": LICENCE_NAMES[OpenDataLicence(spdx)] if known else spdx,
        "url": LICENCE_URLS[OpenDataLicence(spdx)] if known else "",
    }


def funder() -> dict[str, str]:
    """Who gives the grants: the site's operator (a ministry, a regional library …)."""
    info = site.current()
    prefix = settings.OPEN_DATA_ID_PREFIX
    organisation = {
        "id": settings.OPEN_DATA_FUNDER_ID or f"{prefix}-funder",
        "name": info.operator or info.name,
    }
    if info.operator_url:
        organisation["url"] = info.operator_url
    return organisation


def _region_names() -> dict[str, str]:
    # In the site's language, whatever the reader's: the data is the same for every reader.
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in Region.choices}


def _local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


class Publisher:
    """What every record shares, worked out once per file (not once per grant): the funder, the
    regions' names, the contests' results pages."""

    def __init__(self) -> None:
        self.prefix = settings.OPEN_DATA_ID_PREFIX
        self.funding = funder()
        self.regions = _region_names()
        self.results_urls: dict[int, str] = {}

    def results_url(self, contest_id: int) -> str:
        if contest_id not in self.results_urls:
            self.results_urls[contest_id] = absolute(reverse("awards:results", args=[contest_id]))
        return self.results_urls[contest_id]

    def record(self, grant: Grant) -> dict[str, Any]:
        return record(grant, self)


def record(grant: Grant, publisher: Publisher) -> dict[str, Any]:
    """One grant as published (Decimals and dates; `dumps` writes them as JSON numbers and strings)."""
    prefix = publisher.prefix
    contest, application = grant.contest, grant.application
    organisation = application.organisation
    recipient_id = (
        f"UA-EDR-{organisation.registry_code}"
        if organisation.registry_code
        else f"{prefix}-org-{organisation.pk}"
    )
    region = publisher.regions.get(organisation.region, organisation.region)
    data: dict[str, Any] = {
        "id": f"{prefix}-{grant.pk}",
        "title": application.title,
        "description": grant.purpose,
        "currency": grant.currency,
        "amountAwarded": grant.amount,
        "awardDate": _local_date(grant.created_at, contest.time_zone),
        "plannedDates": [{"startDate": grant.starts_on, "endDate": grant.ends_on}],
        "recipientOrganization": [
            {
                "id": recipient_id,
                "name": organisation.name,
                "addressLocality": organisation.settlement,
                "addressRegion": region,
                "addressCountry": "UA",
            }
        ],
        "fundingOrganization": [publisher.funding],
        "grantProgramme": [
            {
                "code": f"contest-{contest.pk}",
                "title": contest.title,
                "url": publisher.results_url(contest.pk),
            }
        ],
        "beneficiaryLocation": [
            {"name": region, "countryCode": "UA", "geoCode": GEO_CODES.get(organisation.region, "UA")}
        ],
        "applicationNumber": application.number,
        "nomination": application.nomination.title,
        "grantStatus": grant.state,
        "dateModified": grant.updated_at,
    }
    paid = grant.paid_tranches  # awards.selectors.open_data_grants prefetches them
    if paid:
        data["amountDisbursed"] = sum((t.amount for t in paid), Decimal("0"))
        data["tranches"] = [{"date": t.paid_on, "amount": t.amount} for t in paid]
    return data


def package(grants: Iterable[Grant], contest: Contest | None = None) -> dict[str, Any]:
    """The JSON document: `meta` (format, version, schema, licence, publisher) and `grants`."""
    grants = list(grants)
    publisher = Publisher()
    records = [publisher.record(g) for g in grants]
    modified = [r["dateModified"] for r in records] + [t.updated_at for g in grants for t in g.paid_tranches]
    meta: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema": schema_url(),
        "standard": STANDARD_URL,
        # When the data last changed (the latest change of a grant or a paid tranche).
        "dataVersion": max(modified) if modified else None,
        "generatedAt": clock.now(),
        "licence": licence(),
        "publisher": {"name": site.current().name, "url": absolute("/")},
    }
    if contest is not None:
        meta["contest"] = {
            "id": contest.pk,
            "title": contest.title,
            "url": absolute(reverse("awards:results", args=[contest.pk])),
        }
    return {"meta": meta, "grants": records}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Money is Decimal; JSON has one kind of number. Two decimals up to 10¹² survive a float.
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(document: dict[str, Any]) -> str:
    # Compact: json's C encoder (no indent) writes 10,000 grants several times faster.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_plain)


def plain(document: dict[str, Any]) -> Any:
    """The document as JSON types (what a client parses), e.g. for DRF's Response."""
    return json.loads(dumps(document))


class GrantsSheet(Batched):
    """The CSV: one row per grant, the same records as the JSON, flattened; read in batches."""

    def __init__(self, grants) -> None:
        self.grants = grants

    def headers(self) -> list[str]:
        return CSV_COLUMNS

    def batches(self) -> Iterator[list[list[Any]]]:
        publisher = Publisher()
        for batch in chunked(self.grants.iterator(chunk_size=CHUNK)):
            yield [self.row(publisher.record(g)) for g in batch]

    @staticmethod
    def row(r: dict[str, Any]) -> list[Any]:
        recipient, programme = r["recipientOrganization"][0], r["grantProgramme"][0]
        location, funding = r["beneficiaryLocation"][0], r["fundingOrganization"][0]
        tranches = "; ".join(f"{t['date']:%Y-%m-%d} {t['amount']}" for t in r.get("tranches", []))
        return [
            r["id"],
            r["title"],
            r["description"],
            r["currency"],
            r["amountAwarded"],
            r["awardDate"].isoformat(),
            r["plannedDates"][0]["startDate"].isoformat(),
            r["plannedDates"][0]["endDate"].isoformat(),
            recipient["id"],
            recipient["name"],
            recipient["addressLocality"],
            recipient["addressRegion"],
            recipient["addressCountry"],
            funding["id"],
            funding["name"],
            programme["code"],
            programme["title"],
            programme["url"],
            location["name"],
            location["geoCode"],
            r["applicationNumber"],
            r["nomination"],
            r["grantStatus"],
            r.get("amountDisbursed", ""),
            tranches,
            r["dateModified"].isoformat(),
        ]
