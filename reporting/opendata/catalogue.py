"""The DCAT-AP-SE catalogue of the open data: every published year as a dataset (rdflib).

`catalogue_graph` describes every published year as a DCAT-AP-SE 3.0.1 dataset with its
three distributions, publisher, contact point (settings.OPEN_DATA_CONTACT_EMAIL), licence
(settings.OPEN_DATA_LICENSE, CC0 by default), issue date (the decision) and modification
date (the last amendment after it), for Sweden's data portal (dataportal.se) to harvest as
Turtle or RDF/XML. Every IRI is absolute, built from settings.SITE_URL (never the request's
host), and the catalogue, datasets, distributions, publishers and contact points are named
resources, not blank nodes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from funds.models import Organisation
from reporting.opendata.files import PublishedYear

DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = URIRef("http://publications.europa.eu/resource/authority/language/SWE")
THEME_HEALTH = URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL")
THEME_GOVERNMENT = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
STABLE = URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")
KEYWORDS = ("psykisk hälsa", "suicidprevention", "stimulansmedel", "fördelning")
PUBLISHER_TYPES = {
    Organisation.Kind.MUNICIPALITY: ADMS_PUBLISHER_TYPE.LocalAuthority,
    Organisation.Kind.REGION: ADMS_PUBLISHER_TYPE.RegionalAuthority,
    Organisation.Kind.COUNTY_PARTNERSHIP: ADMS_PUBLISHER_TYPE.RegionalAuthority,
}
DISTRIBUTIONS = (
    # (url name, variant, title, media type, file type)
    ("open_data_allocations_csv", "csv", "CSV (komma, decimalpunkt)", "text/csv", "CSV"),
    (
        "open_data_allocations_csv_semicolon",
        "csv-semikolon",
        "CSV (semikolon, decimalkomma) för svenska kalkylprogram",
        "text/csv",
        "CSV",
    ),
    ("open_data_allocations_json", "json", "JSON", "application/json", "JSON"),
)


def _agent(graph: Graph, uri: URIRef, name: str, kind: URIRef, identifier: str = "") -> URIRef:
    graph.add((uri, RDF.type, FOAF.Agent))
    graph.add((uri, FOAF.name, Literal(name, lang="sv")))
    graph.add((uri, DCTERMS.type, kind))
    if identifier:
        graph.add((uri, DCTERMS.identifier, Literal(identifier)))
    return uri


def catalogue_graph(base_url: str, years: list[PublishedYear]) -> Graph:
    """The DCAT-AP-SE catalogue of every published year. `base_url` is the site's root
    ("https://example.se"), without a trailing slash."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    site = _Site(
        base_url=base_url,
        index_url=base_url + reverse("open_data_index"),
        licence=URIRef(settings.OPEN_DATA_LICENSE),
        schema=URIRef(base_url + reverse("open_data_schema")),
    )
    catalogue = URIRef(base_url + reverse("open_data_catalogue_ttl"))
    _describe_catalogue(graph, catalogue, site)
    organisations = _publishers(graph, catalogue, site, years)
    modified_dates = [year.modified for year in years if year.modified]
    if modified_dates:
        graph.add((catalogue, DCTERMS.modified, _datetime(max(modified_dates))))

    with translation.override("sv"):
        for year in years:
            _dataset(graph, catalogue, site, year, organisations)
    return graph


class _Site:
    """The addresses every part of the catalogue points at."""

    def __init__(self, *, base_url: str, index_url: str, licence: URIRef, schema: URIRef):
        self.base_url, self.index_url = base_url, index_url
        self.licence, self.schema = licence, schema
        self.contact_email = settings.OPEN_DATA_CONTACT_EMAIL.strip()


def _describe_catalogue(graph: Graph, catalogue: URIRef, site: _Site) -> None:
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add(
        (
            catalogue,
            DCTERMS.title,
            Literal("Fördelning av stimulansmedel för psykisk hälsa", lang="sv"),
        )
    )
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            Literal(
                "Hur huvudmännen fördelar statens stimulansmedel för psykisk hälsa och "
                "suicidprevention till mottagare och prioriterade områden, per år, för beslutade "
                "år.",
                lang="sv",
            ),
        )
    )
    graph.add((catalogue, DCTERMS.license, site.licence))
    graph.add((catalogue, DCTERMS.language, LANGUAGE))
    graph.add((catalogue, FOAF.homepage, URIRef(site.index_url)))


def _publishers(
    graph: Graph, catalogue: URIRef, site: _Site, years: list[PublishedYear]
) -> dict[int, URIRef]:
    """Each organisation as an agent (keyed by its id), and the catalogue's publisher: the
    configured one, the only organisation, or all of them by name."""
    organisations = {}
    for year in years:
        organisation = year.agreement.organisation
        if organisation.pk not in organisations:
            organisations[organisation.pk] = _agent(
                graph,
                URIRef(f"{site.index_url}#huvudman-{organisation.code}"),
                organisation.name,
                PUBLISHER_TYPES.get(organisation.kind, ADMS_PUBLISHER_TYPE.LocalAuthority),
                organisation.organisation_number,
            )
    if settings.OPEN_DATA_PUBLISHER or len(organisations) != 1:
        name = settings.OPEN_DATA_PUBLISHER or ", ".join(
            str(graph.value(agent, FOAF.name)) for agent in organisations.values()
        )
        publisher = _agent(
            graph,
            URIRef(f"{site.index_url}#utgivare"),
            name or "Tjänsten för stimulansmedel",
            ADMS_PUBLISHER_TYPE.LocalAuthority,
        )
    else:
        publisher = next(iter(organisations.values()))
    graph.add((catalogue, DCTERMS.publisher, publisher))
    return organisations


def _datetime(value: datetime.datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _dataset(
    graph: Graph,
    catalogue: URIRef,
    site: _Site,
    year: PublishedYear,
    organisations: dict[int, URIRef],
) -> None:
    """One published year as a dataset of the catalogue, with its distributions."""
    agreement = year.agreement
    organisation = agreement.organisation
    name = f"fordelning-{organisation.code}-{agreement.year}"
    dataset = URIRef(f"{site.index_url}#{name}")
    graph.add((catalogue, DCAT.dataset, dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add(
        (
            dataset,
            DCTERMS.title,
            Literal(
                f"Fördelning av stimulansmedel {agreement.year}, {organisation.name}", lang="sv"
            ),
        )
    )
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                f"Hur {organisation.name} fördelade statens stimulansmedel för psykisk hälsa "
                f"och suicidprevention {agreement.year} till mottagare och prioriterade "
                f"områden. Årets status: {agreement.get_status_display().lower()}.",
                lang="sv",
            ),
        )
    )
    graph.add((dataset, DCTERMS.publisher, organisations[organisation.pk]))
    graph.add((dataset, DCAT.contactPoint, _contact(graph, site, organisation)))
    graph.add((dataset, DCTERMS.identifier, Literal(name)))
    graph.add((dataset, DCAT.landingPage, URIRef(site.index_url)))
    graph.add((dataset, DCTERMS.language, LANGUAGE))
    _themes(graph, dataset)
    _period(graph, URIRef(f"{dataset}-period"), dataset, agreement.year)
    if year.issued:
        graph.add((dataset, DCTERMS.issued, Literal(year.issued, datatype=XSD.date)))
    if year.modified:
        graph.add((dataset, DCTERMS.modified, _datetime(year.modified)))
    for distribution in DISTRIBUTIONS:
        _distribution(graph, dataset, site, year, distribution)


def _themes(graph: Graph, dataset: URIRef) -> None:
    graph.add((dataset, DCAT.theme, THEME_HEALTH))
    graph.add((dataset, DCAT.theme, THEME_GOVERNMENT))
    for keyword in KEYWORDS:
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="sv")))


def _contact(graph: Graph, site: _Site, organisation) -> URIRef:
    """The dataset's contact point: the organisation, reached through the installation's
    open-data address (settings.OPEN_DATA_CONTACT_EMAIL) when one is set."""
    contact = URIRef(f"{site.index_url}#kontakt-{organisation.code}")
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(organisation.name, lang="sv")))
    if site.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{site.contact_email}")))
    return contact


def _period(graph: Graph, period: URIRef, dataset: URIRef, year: int) -> None:
    """The calendar year the dataset covers."""
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(datetime.date(year, 1, 1))))
    graph.add((period, DCAT.endDate, Literal(datetime.date(year, 12, 31))))


def _distribution(
    graph: Graph, dataset: URIRef, site: _Site, year: PublishedYear, described: tuple
) -> None:
    """One of a dataset's files (`described`: a row of DISTRIBUTIONS)."""
    url_name, variant, title, media_type, file_type = described
    code, number = year.agreement.organisation.code, year.agreement.year
    url = URIRef(site.base_url + reverse(url_name, args=[code, number]))
    distribution = URIRef(f"{site.index_url}#fordelning-{code}-{number}-{variant}")
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal(title, lang="sv")))
    graph.add((distribution, DCAT.accessURL, url))
    graph.add((distribution, DCAT.downloadURL, url))
    graph.add(
        (
            distribution,
            DCAT.mediaType,
            URIRef(f"http://www.iana.org/assignments/media-types/{media_type}"),
        )
    )
    graph.add((distribution, DCTERMS.format, FILE_TYPE[file_type]))
    graph.add((distribution, DCTERMS.license, site.licence))
    graph.add((distribution, DCATAP.availability, STABLE))
    if year.modified:
        graph.add((distribution, DCTERMS.modified, _datetime(year.modified)))
    if file_type == "CSV":
        graph.add((distribution, DCTERMS.conformsTo, site.schema))
