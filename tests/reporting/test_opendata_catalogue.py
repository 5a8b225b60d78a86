"""Open data a portal can harvest: the public index, the DCAT-AP-SE catalogue (validated
with pySHACL against shapes written from the profile), the CSVW schema, and the two CSV
files a spreadsheet opens right and safely."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from funds.models import Agreement
from reporting.opendata.files import COLUMNS, neutralised
from tests import factories as f
from tests.demo_image import demo_restore
from tests.reporting.conftest import SITE_URL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_data_site")]

# Plain namespaces: pytest's collection probes module attributes, and rdflib's closed
# namespaces (rdflib.namespace.DCAT …) warn about every unknown one.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
SHAPES = Path(__file__).parent / "shapes" / "dcat-ap-se-mandatory.ttl"
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")


def catalogue(client, name="open_data_catalogue_ttl", fmt="turtle") -> Graph:
    response = client.get(reverse(name))  # anonymous
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=fmt)


def test_the_index_lists_decided_and_closed_years_only(client, django_assert_max_num_queries):
    demo_restore()
    other = f.organisation(name="Andra kommunen")
    f.agreement(other, 2025)  # a draft: not listed
    f.agreement(other, 2024, status=Agreement.Status.DECIDED)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("open_data_index"))
    assert response.status_code == 200
    text = response.content.decode()
    assert reverse("open_data_allocations_csv", args=["0180", 2023]) in text
    assert reverse("open_data_allocations_csv", args=["0180", 2024]) not in text  # draft
    assert reverse("open_data_allocations_json", args=[other.code, 2024]) in text
    assert reverse("open_data_allocations_csv", args=[other.code, 2025]) not in text
    assert reverse("open_data_catalogue_ttl") in text and reverse("open_data_schema") in text
    assert "apostrof" in text  # the neutralising is documented where the files are


def test_the_catalogue_describes_every_published_year_and_validates(client):
    demo_restore()
    other = f.organisation(name="Andra kommunen", organisation_number="212000-1355")
    f.agreement(other, 2025)  # draft
    decided = f.agreement(other, 2024, status=Agreement.Status.DECIDED)
    f.allocation(f.area(decided, "10.00"), f.recipient(other), "10.00")
    graph = catalogue(client)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    identifiers = {str(graph.value(d, DCTERMS.identifier)) for d in datasets}
    assert identifiers == {"fordelning-0180-2023", f"fordelning-{other.code}-2024"}
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert graph.value(catalog, DCTERMS.license) == CC0
    stockholm = next(d for d in datasets if str(d).endswith("0180-2023"))
    publisher = graph.value(stockholm, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Stockholms stad", lang="sv")
    assert graph.value(publisher, DCTERMS.identifier) == Literal("212000-0142")
    # issued is the decision date, never the agreement's date; the demo records none.
    assert graph.value(stockholm, DCTERMS.issued) is None
    assert graph.value(stockholm, DCTERMS.modified) is None  # no amendment after it
    contact = graph.value(stockholm, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:oppnadata@example.se")
    # Named resources everywhere a harvester needs them, all under the configured address.
    for kind in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, FOAF.Agent, VCARD.Organization):
        for node in graph.subjects(RDF.type, kind):
            assert isinstance(node, URIRef) and str(node).startswith(SITE_URL + "/"), node
    distributions = list(graph.objects(stockholm, DCAT.distribution))
    assert len(distributions) == 3
    urls = {str(graph.value(d, DCAT.downloadURL)) for d in distributions}
    assert urls == {
        SITE_URL + reverse(name, args=["0180", 2023])
        for name in (
            "open_data_allocations_csv",
            "open_data_allocations_csv_semicolon",
            "open_data_allocations_json",
        )
    }
    schema = URIRef(SITE_URL + reverse("open_data_schema"))
    for distribution in distributions:
        assert graph.value(distribution, DCTERMS.license) == CC0
        if str(graph.value(distribution, DCAT.mediaType)).endswith("text/csv"):
            assert graph.value(distribution, DCTERMS.conformsTo) == schema

    conforms, _, report = validate(graph, shacl_graph=Graph().parse(SHAPES), inference="none")
    assert conforms, report
    # The shapes do catch a missing mandatory property, a missing contact point and a
    # blank node where a harvester needs a name.
    shapes = Graph().parse(SHAPES)
    without_contact = Graph() + graph
    without_contact.remove((stockholm, DCAT.contactPoint, None))
    assert not validate(without_contact, shacl_graph=shapes)[0]
    blank = Graph() + graph
    node = BNode()
    blank.add((node, RDF.type, DCAT.Distribution))
    blank.add((node, DCAT.accessURL, URIRef(SITE_URL + "/x.csv")))
    blank.add((node, DCTERMS["format"], URIRef("http://publications.europa.eu/x")))
    assert not validate(blank, shacl_graph=shapes)[0]
    graph.remove((catalog, DCTERMS.license, None))
    assert not validate(graph, shacl_graph=shapes)[0]


def test_rdf_xml_says_the_same(client):
    demo_restore()
    turtle = catalogue(client)
    xml = catalogue(client, "open_data_catalogue_rdf", "xml")
    assert len(turtle) == len(xml) > 50


def test_the_licence_is_a_setting(client, settings):
    demo_restore()
    settings.OPEN_DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    graph = catalogue(client)
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(graph.value(catalog, DCTERMS.license)).endswith("/by/4.0/")
    assert "by/4.0" in client.get(reverse("open_data_index")).content.decode()


def test_the_schema_names_every_column(client):
    response = client.get(reverse("open_data_schema"))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert [column["name"] for column in document["columns"]] == list(COLUMNS)
    assert "http://www.w3.org/ns/csvw" in document["@context"]


def test_an_empty_catalogue_is_still_served(client):
    assert client.get(reverse("open_data_index")).status_code == 200
    assert client.get(reverse("open_data_catalogue_ttl")).status_code == 200


@pytest.fixture
def hostile(db):
    org = f.organisation(code="0114", name="=Kommun")
    agreement = f.agreement(org, 2024, status=Agreement.Status.CLOSED)
    area = f.area(agreement, "3000.00", name="+Område")
    for name in ('=HYPERLINK("http://x")', "-1+1", "@SUM(A1)", "\tTabb", "Vanlig"):
        f.allocation(area, f.recipient(org, name=name), "1000.50" if name == "Vanlig" else "1.00")
    f.allocation(
        area,
        f.recipient(org, name="Föreningen", kind="association", organisation_number="802400-1011"),
        "0.25",
    )
    return org


def test_both_csv_files_keep_codes_as_text_and_neutralise_formulas(client, hostile):
    comma = client.get(reverse("open_data_allocations_csv", args=["0114", 2024])).content
    semicolon = client.get(
        reverse("open_data_allocations_csv_semicolon", args=["0114", 2024])
    ).content
    for body, delimiter, amount in ((comma, ",", "1000.50"), (semicolon, ";", "1000,50")):
        assert body.startswith(b"\xef\xbb\xbf")
        text = body.decode("utf-8-sig")
        lines = text.split("\r\n")
        assert lines[0] == delimiter.join(f'"{column}"' for column in COLUMNS)
        assert f'"0114"{delimiter}' in lines[1]  # the code is quoted text
        assert f'{delimiter}"802400-1011"{delimiter}' in text
        assert f"{delimiter}{amount}{delimiter}" in text  # a number, not quoted text
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
        assert {row["organisation_name"] for row in rows} == {"'=Kommun"}
        assert {row["priority_area"] for row in rows} == {"'+Område"}
        names = {row["recipient"] for row in rows}
        assert {'\'=HYPERLINK("http://x")', "'-1+1", "'@SUM(A1)", "'\tTabb", "Vanlig"} <= names
        for row in rows:
            assert not row["recipient"].startswith(("=", "+", "-", "@", "\t", "\r"))
    # The JSON is unchanged: the data as stored.
    document = client.get(reverse("open_data_allocations_json", args=["0114", 2024])).json()
    assert document["organisation"]["name"] == "=Kommun"
    assert {row["recipient"] for row in document["allocations"]} >= {"-1+1", "\tTabb"}


def test_neutralised():
    assert neutralised("=1") == "'=1" and neutralised("\r1") == "'\r1"
    assert neutralised("Järva") == "Järva" and neutralised("") == ""


def test_deploy_check_warns_without_site_address_or_contact(settings):
    from reporting.opendata.checks import open_data_settings

    assert open_data_settings(None) == []  # both set by the open_data_site fixture
    settings.SITE_URL, settings.OPEN_DATA_CONTACT_EMAIL = "", " "
    assert [w.id for w in open_data_settings(None)] == ["reporting.W001", "reporting.W002"]
