"""Demo data for Stockholms stad: the 2023 and 2024 agreements, recipients, money and logins.

`demo_load()` is idempotent: every row is found by its natural key and only written when it
is missing or differs from the data below, so a second run changes nothing.

Where the data comes from
-------------------------
From seed 004 (socialförvaltningen's tjänsteutlåtande "Uppdrag Psykisk Hälsa – Rapportering
2023 samt delegation för 2024", Dnr SOF 2023/567) and DOMAIN.md, marked "seed 004" below:
  * the organisation (Stockholms stad, socialförvaltningen; kommunkod 0180 and
    organisationsnummer 212000-0142 from DOMAIN.md), the Dnr, the agreements' titles,
    2024's date (21 December 2023);
  * the priority areas, their names, descriptions and amounts rounded to 0,1 mnkr, and the
    totals 45,2 mnkr (2023) and 32,3 mnkr (2024);
  * the kinds of recipients (all stadsdelsförvaltningar, utbildnings-, arbetsmarknads-,
    idrotts- and kulturförvaltningen, socialförvaltningen's own units), the föreningar of
    footnote 2 and the IOP partners; the split 55/35/10 % between districts, departments
    and civil society; the 1,5 mnkr repaid to the state; the examples of insatser;
  * the district reform of 1 July 2023 (13 stadsdelsförvaltningar became 11; DOMAIN.md);
  * the enkät's answer options (seed 003 via DOMAIN.md).
Invented but plausible demo data, marked "invented" below:
  * the exact kronor behind the rounded area amounts (they round to the document's figures
    and add up to its totals), the address, 2023's agreement date;
  * socialförvaltningen's units as recipients, the föreningar's organisationsnummer,
    every single allocation, follow-up, repayment and intervention amount, which
    recipients left money unspent, the dates of follow-ups and repayments, the
    interventions' responsible units and any result beyond what the seed reports, the users
    and their names;
  * the 2024 draft allocations (the coordinator makes the real ones in the app).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from funds.balance import agreement_balance
from funds.identifiers import luhn_ok, normalise_organisation_number
from funds.models import (
    ZERO,
    Agreement,
    Allocation,
    FollowUp,
    Intervention,
    Membership,
    NationalArea,
    Organisation,
    PriorityArea,
    Recipient,
    Repayment,
    SurveyCategory,
)
from funds.national.loader import reference_data_load

DEMO_PASSWORD = "demo"
KRONA = Decimal("1")
CENT = Decimal("0.01")
UTC = datetime.UTC


class DemoDataError(Exception):
    """The demo data does not add up, or the database holds rows that contradict it."""


def _check(condition: bool, message: str) -> None:
    # Not `assert`: these checks guard the books and must also run under python -O.
    if not condition:
        raise DemoDataError(message)


def kr(amount: int | str) -> Decimal:
    return Decimal(amount).quantize(CENT)


# --- The organisation (seed 004, except the address) -----------------------------------------

ORGANISATION = {
    "code": "0180",
    "name": "Stockholms stad",
    "kind": Organisation.Kind.MUNICIPALITY,
    "organisation_number": "212000-0142",
    "administration": "Socialförvaltningen",
    # invented: a plausible postal address; the real one is not in the seed.
    "address": "Socialförvaltningen, Box 44, 101 20 Stockholm",
    # Seed 004: "Till Socialnämnden", delegation to "socialdirektören", signed by the
    # socialdirektör and an avdelningschef.
    "committee": "Socialnämnden",
    "delegate": "socialdirektören",
    "signatory_title": "Socialdirektör",
    "second_signatory_title": "Avdelningschef",
}

# --- Agreements and priority areas ------------------------------------------------------------


@dataclass(frozen=True)
class AreaData:
    number: int
    name: str
    description: str
    granted: Decimal


@dataclass(frozen=True)
class AgreementData:
    year: int
    title: str
    agreed_on: datetime.date
    status: str
    registry_number: str
    areas: tuple[AreaData, ...]
    total: Decimal


UTVECKLINGSARBETE = "Utvecklingsarbete"
KUNSKAPSBASERAD = "Kunskapsbaserad socialtjänst"
SAMSJUKLIGHET = "Samverkan för personer med samsjuklighet"
SUICIDPREVENTION = "Suicidprevention"
UNGDOMSMOTTAGNINGAR = "Ungdomsmottagningar"
BARN_OCH_UNGA = (
    "Utvecklat arbete för att främja psykisk hälsa, förebygga psykisk ohälsa och suicid "
    "bland barn och unga"
)

# Names, descriptions and the rounded amounts (18,5 / 9,4 / 4,0 / 8,4 / 5,0 mnkr, total 45,2)
# are from seed 004. The exact kronor are invented: they round half up to the document's
# figures and add up to exactly 45 200 000 kr, while the rounded parts add up to 45,3, as in
# the real document.
AGREEMENT_2023 = AgreementData(
    year=2023,
    title="Insatser inom området psykisk hälsa och suicidprevention 2023",
    agreed_on=datetime.date(2022, 12, 15),  # invented: the seed does not give 2023's date
    status=Agreement.Status.CLOSED,
    registry_number="SOF 2023/567",  # seed 004
    areas=(
        AreaData(
            1,
            UTVECKLINGSARBETE,
            "Fortsatt utvecklingsarbete utifrån lokala och regionala handlingsplaner. "
            "Förstärkning av kommunernas roll och utveckling av mobila lösningar eller liknande.",
            kr(18_463_210),
        ),
        AreaData(
            2,
            KUNSKAPSBASERAD,
            "En kunskapsbaserad socialtjänst som är effektiv och säker, utgår från individens "
            "behov och är baserad på bästa tillgängliga kunskap.",
            kr(9_381_540),
        ),
        AreaData(
            3,
            SAMSJUKLIGHET,
            "En mer sammanhållen vård för personer som behöver insatser från både kommun och "
            "region, bland annat personer med samsjuklighet i beroende och annan samtidig "
            "psykiatrisk diagnos.",
            kr(4_012_330),
        ),
        AreaData(
            4,
            SUICIDPREVENTION,
            "Ett stärkt suicidpreventivt arbete på lokal nivå.",
            kr(8_367_890),
        ),
        AreaData(
            5,
            UNGDOMSMOTTAGNINGAR,
            "Att stärka ungdomsmottagningarnas arbete med att främja psykisk hälsa och motverka "
            "psykisk ohälsa bland barn och unga.",
            kr(4_975_030),
        ),
    ),
    total=kr(45_200_000),
)

# Names, order, date and rounded amounts (9,4 / 8,2 / 7,9 / 6,8 mnkr, total 32,3) are from
# seed 004; the exact kronor are invented as for 2023. The seed describes only area 3; the
# others keep 2023's descriptions ("i stort sett samma inriktning som tidigare år").
AGREEMENT_2024 = AgreementData(
    year=2024,
    title="Insatser inom området psykisk hälsa och suicidprevention 2024",
    agreed_on=datetime.date(2023, 12, 21),  # seed 004
    status=Agreement.Status.DRAFT,
    registry_number="",  # the Dnr of 2024's report is not known yet
    areas=(
        AreaData(1, KUNSKAPSBASERAD, AGREEMENT_2023.areas[1].description, kr(9_412_345)),
        AreaData(2, SUICIDPREVENTION, AGREEMENT_2023.areas[3].description, kr(8_196_210)),
        AreaData(
            3,
            BARN_OCH_UNGA,
            "Utvecklat arbete för att främja psykisk hälsa, förebygga psykisk ohälsa och suicid "
            "bland barn och unga samt insatser för att stärka första linjens vård och barn- och "
            "ungdomspsykiatrin. Omfattar ungdomsmottagningar; kommunerna beslutar fritt hur "
            "medlen fördelas inom området.",
            kr(7_903_120),
        ),
        AreaData(4, SAMSJUKLIGHET, AGREEMENT_2023.areas[2].description, kr(6_788_325)),
    ),
    total=kr(32_300_000),
)

# Which national area (funds/national/data/<year>.toml) each local area belongs to. 2023's five
# areas are the five of the national agreement that concerned kommuner, in the seed's order;
# 2024's follow the national agreement's wording in seed 003 (area 3 kunskapsbaserad vård och
# omsorg, 5 suicidprevention, 1 barn och unga, 2 samsjuklighet).
NATIONAL_AREA_NUMBERS: dict[tuple[int, str], int] = {
    (2023, UTVECKLINGSARBETE): 1,
    (2023, KUNSKAPSBASERAD): 2,
    (2023, SAMSJUKLIGHET): 3,
    (2023, SUICIDPREVENTION): 4,
    (2023, UNGDOMSMOTTAGNINGAR): 5,
    (2024, KUNSKAPSBASERAD): 3,
    (2024, SUICIDPREVENTION): 5,
    (2024, BARN_OCH_UNGA): 1,
    (2024, SAMSJUKLIGHET): 2,
}

# --- Recipients ------------------------------------------------------------------------------

REFORM_LAST_DAY = datetime.date(2023, 6, 30)  # DOMAIN.md / seed 004: 13 districts until here
REFORM_FIRST_DAY = datetime.date(2023, 7, 1)  # ... and 11 from here

BROMMA = "Bromma stadsdelsförvaltning"
ENSKEDE = "Enskede-Årsta-Vantör stadsdelsförvaltning"
FARSTA = "Farsta stadsdelsförvaltning"
HAGERSTEN = "Hägersten-Älvsjö stadsdelsförvaltning"
HASSELBY = "Hässelby-Vällingby stadsdelsförvaltning"
KUNGSHOLMEN = "Kungsholmen stadsdelsförvaltning"
SKARPNACK = "Skarpnäck stadsdelsförvaltning"
SKARHOLMEN = "Skärholmen stadsdelsförvaltning"
SODERMALM = "Södermalm stadsdelsförvaltning"
RINKEBY_KISTA = "Rinkeby-Kista stadsdelsförvaltning"
SPANGA_TENSTA = "Spånga-Tensta stadsdelsförvaltning"
NORRMALM = "Norrmalm stadsdelsförvaltning"
OSTERMALM = "Östermalm stadsdelsförvaltning"
JARVA = "Järva stadsdelsförvaltning"
NORRA_INNERSTADEN = "Norra innerstadens stadsdelsförvaltning"

# Weights for splitting money between districts: roughly the population in thousands
# (invented round figures, used only as weights).
DISTRICT_WEIGHTS: dict[str, int] = {
    BROMMA: 80,
    ENSKEDE: 107,
    FARSTA: 60,
    HAGERSTEN: 110,
    HASSELBY: 78,
    KUNGSHOLMEN: 72,
    SKARPNACK: 50,
    SKARHOLMEN: 38,
    SODERMALM: 132,
    RINKEBY_KISTA: 48,
    SPANGA_TENSTA: 40,
    NORRMALM: 71,
    OSTERMALM: 73,
    JARVA: 88,
    NORRA_INNERSTADEN: 144,
}
UNCHANGED_DISTRICTS = (
    BROMMA,
    ENSKEDE,
    FARSTA,
    HAGERSTEN,
    HASSELBY,
    KUNGSHOLMEN,
    SKARPNACK,
    SKARHOLMEN,
    SODERMALM,
)
# Merged on 1 July 2023 (seed 004 / DOMAIN.md): predecessor -> successor.
MERGED_DISTRICTS = {
    RINKEBY_KISTA: JARVA,
    SPANGA_TENSTA: JARVA,
    NORRMALM: NORRA_INNERSTADEN,
    OSTERMALM: NORRA_INNERSTADEN,
}
DISTRICTS_EARLY_2023 = UNCHANGED_DISTRICTS + tuple(MERGED_DISTRICTS)
DISTRICTS_FROM_JULY_2023 = UNCHANGED_DISTRICTS + (JARVA, NORRA_INNERSTADEN)

UTBILDNING = "Utbildningsförvaltningen"
ARBETSMARKNAD = "Arbetsmarknadsförvaltningen"
IDROTT = "Idrottsförvaltningen"
KULTUR = "Kulturförvaltningen"
# Socialförvaltningen's own units: named in seed 004; that they receive money as recipients
# of their own is invented.
SOF_HEMLOSA = "Socialförvaltningen – Enheten för hemlösa"
SOF_LSS_HALSAN = "Socialförvaltningen – LSS-hälsan"
SOF_STRATEGI = "Socialförvaltningen – Avdelningen för strategi och utveckling"
DEPARTMENTS = (UTBILDNING, ARBETSMARKNAD, IDROTT, KULTUR, SOF_HEMLOSA, SOF_LSS_HALSAN, SOF_STRATEGI)

# The 16 names of seed 004's footnote 2, spelled as there, then the two IOP partners.
FOOTNOTE_ASSOCIATIONS = (
    "Mansjouren",
    "OCD-föreningen",
    "Equal",
    "Fountain House Tilia",
    "Miljöverkstan",
    "Noaks Ark",
    "Choice",
    "Kvinnors Rätt",
    "RFSL",
    "SPES",
    "Right by me",
    "United sisters Fryshuset",
    "Män för jämställdhet",
    "Stockholms tjejjour",
    "Randiga huset",
    "Spelberoendes förening",
)
TUSEN_MOJLIGHETER = "Stiftelsen 1000 Möjligheter"
STREETMINDS = "Streetminds"
ASSOCIATIONS = FOOTNOTE_ASSOCIATIONS + (TUSEN_MOJLIGHETER, STREETMINDS)


def demo_organisation_number(index: int) -> str:
    """An invented organisationsnummer 802xxx-xxxx with a valid Luhn check digit.

    The föreningar's real numbers are not in the seed. Group 8 (ideella föreningar and
    stiftelser) with a deterministic body, so every run gives every association the same
    number; any resemblance to a real organisation's number is a coincidence.
    """
    body = f"802{400 + index:03d}{(index * 379 + 101) % 1000:03d}"
    check = next(digit for digit in "0123456789" if luhn_ok(body + digit))
    return normalise_organisation_number(body + check)


# --- The 2023 allocations (every amount invented, the split follows seed 004) -----------------

# Föreningar and fackförvaltningar are granted decided amounts (after the open call, the IOPs
# and the talks with each förvaltning); what remains of each area is split between the
# districts by DISTRICT_WEIGHTS with largest remainders, so every area adds up to the krona.
# The result is about 55 % to districts, 35 % to departments and 10 % to civil society.
FIXED_2023: dict[str, dict[str, Decimal]] = {
    UTVECKLINGSARBETE: {
        TUSEN_MOJLIGHETER: kr(700_000),  # IOP since 2020 (seed 004)
        "Fountain House Tilia": kr(280_000),
        "Randiga huset": kr(300_000),
        "United sisters Fryshuset": kr(250_000),
        "Kvinnors Rätt": kr(200_000),
        "Män för jämställdhet": kr(200_000),
        "Noaks Ark": kr(182_500),
        "Miljöverkstan": kr(150_000),
        "Spelberoendes förening": kr(137_500),
        UTBILDNING: kr(2_200_000),
        IDROTT: kr(1_200_000),  # Dansa utan krav (seed 004)
        KULTUR: kr(900_000),  # against loneliness among the elderly (seed 004)
        SOF_LSS_HALSAN: kr(1_100_000),
        SOF_STRATEGI: kr(1_500_000),
    },
    KUNSKAPSBASERAD: {
        ARBETSMARKNAD: kr(2_300_000),  # Supported education, grafisk facilitering (seed 004)
        SOF_STRATEGI: kr(1_700_000),  # procured ESL, RSMH and NPF training (seed 004)
    },
    SAMSJUKLIGHET: {
        STREETMINDS: kr(600_000),  # IOP (seed 004)
        SOF_HEMLOSA: kr(950_000),  # koordinator in the samverkan project (seed 004)
    },
    SUICIDPREVENTION: {
        "Mansjouren": kr(300_000),
        "RFSL": kr(250_000),
        "SPES": kr(200_000),
        "Stockholms tjejjour": kr(200_000),
        "Right by me": kr(150_000),
        "Equal": kr(150_000),
        "OCD-föreningen": kr(130_000),
        "Choice": kr(120_000),
        UTBILDNING: kr(4_000_000),  # elevhälsan, Arts and Hearts (seed 004)
    },
    UNGDOMSMOTTAGNINGAR: {},  # the districts run the youth clinics
}
# Which districts share the rest of each area. 2023's money was decided before the reform,
# so it goes to the 13 districts of early 2023; Järva and Norra innerstaden report for it as
# successors. "Flera stadsdelsförvaltningar" took part in the samsjuklighet project.
DISTRICTS_2023: dict[str, tuple[str, ...]] = {
    UTVECKLINGSARBETE: DISTRICTS_EARLY_2023,
    KUNSKAPSBASERAD: DISTRICTS_EARLY_2023,
    SAMSJUKLIGHET: (RINKEBY_KISTA, SPANGA_TENSTA, SKARHOLMEN, FARSTA, SODERMALM, ENSKEDE, HASSELBY),
    SUICIDPREVENTION: DISTRICTS_EARLY_2023,
    UNGDOMSMOTTAGNINGAR: DISTRICTS_EARLY_2023,
}
ALLOCATION_COMMENTS = {
    TUSEN_MOJLIGHETER: "IOP (idéburet offentligt partnerskap) sedan 2020.",
    STREETMINDS: "IOP (idéburet offentligt partnerskap).",
}
ASSOCIATION_COMMENT = "Efter utlysning till brukar- och intresseorganisationer."

# The seed's 1,5 mnkr that came back: which allocations left money unspent is invented. The
# weights split exactly 1 500 000 kr with largest remainders.
UNSPENT_TOTAL_2023 = kr(1_500_000)
UNSPENT_WEIGHTS_2023: dict[tuple[str, str], int] = {
    (UTVECKLINGSARBETE, FARSTA): 150,
    (UTVECKLINGSARBETE, BROMMA): 100,
    (UTVECKLINGSARBETE, NORRMALM): 150,
    (UTVECKLINGSARBETE, KULTUR): 140,
    (UTVECKLINGSARBETE, "Miljöverkstan"): 40,
    (KUNSKAPSBASERAD, SODERMALM): 180,
    (KUNSKAPSBASERAD, ARBETSMARKNAD): 230,
    (SAMSJUKLIGHET, ENSKEDE): 120,
    (SUICIDPREVENTION, OSTERMALM): 70,
    (SUICIDPREVENTION, "Choice"): 35,
    (UNGDOMSMOTTAGNINGAR, HASSELBY): 90,
}
FOLLOW_UP_SUBMITTED_AT = datetime.datetime(2024, 1, 19, 9, 0, tzinfo=UTC)  # invented
FOLLOW_UP_APPROVED_AT = datetime.datetime(2024, 1, 26, 14, 0, tzinfo=UTC)  # invented
REPAID_BY_RECIPIENTS_ON = datetime.date(2024, 1, 31)  # invented
REPAID_TO_STATE_ON = datetime.date(2024, 3, 15)  # invented

# --- The 2024 draft (invented): ongoing work that carries staff comes first -----------------

DRAFT_2024_FIXED: dict[str, dict[str, Decimal]] = {
    BARN_OCH_UNGA: {TUSEN_MOJLIGHETER: kr(600_000)},
    SAMSJUKLIGHET: {STREETMINDS: kr(600_000), SOF_HEMLOSA: kr(800_000)},
}
# The youth clinics' kuratorer, split between the 11 districts of 2024.
DRAFT_2024_DISTRICT_TOTAL = {BARN_OCH_UNGA: kr(4_000_000)}
DRAFT_2024_COMMENT = "Förslag: pågående insats som bär bemanning."

# --- Survey categories: the national reference data (funds/national/data) --------------------

Group = SurveyCategory.Group
# Names of the invented summary insatser that make each 2023 report add up (see below).
ONGOING_PREFIX = "Löpande arbete inom"
SURVEY_YEARS = (2023, 2024)

# --- Interventions: from seed 004's examples, paraphrased; units and amounts invented ---------


@dataclass(frozen=True)
class InterventionData:
    area: str
    recipient: str
    name: str
    description: str
    responsible_unit: str
    share_of_spent: Decimal  # of the follow-up's spent amount, rounded down to whole kronor
    results: str
    categories: tuple[tuple[str, str], ...]


INTERVENTIONS_2023 = (
    InterventionData(
        UTVECKLINGSARBETE,
        SKARHOLMEN,
        "Mentors in violence prevention (MVP)",
        "Implementering av det våldsförebyggande programmet MVP i skolor och på fritidsgårdar.",
        "Fritid och förebyggande",
        Decimal("0.45"),
        "Personal på två skolor och tre fritidsgårdar utbildade; programmet används i "
        "ordinarie verksamhet.",
        (
            (Group.ACTIVITY_TYPE, "Implementering och utveckling av arbetssätt och metoder"),
            (Group.GOAL, "Mindre risker"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 0–17 år"),
            (Group.PERSPECTIVE, "Jämställdhet"),
            (Group.COLLABORATION, "Inom egen huvudman"),
            (Group.EFFECT, "Ökad kunskap hos personal"),
        ),
    ),
    InterventionData(
        UTVECKLINGSARBETE,
        IDROTT,
        "Dansa utan krav",
        "Dans och samtal för flickor med psykosomatiska besvär: en metod som främjar psykisk "
        "hälsa genom en kombination av samtal och fysisk aktivitet.",
        "Enheten för idrottsutveckling",
        Decimal("0.8"),
        "Sex grupper har genomförts; deltagarna beskriver minskad oro och bättre sömn.",
        (
            (Group.ACTIVITY_TYPE, "Direkta insatser till målgrupp"),
            (Group.GOAL, "Ökad tillgänglighet"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 0–17 år"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 18–29 år"),
            (Group.PERSPECTIVE, "Jämställdhet"),
            (Group.EFFECT, "Förbättrad psykisk hälsa"),
        ),
    ),
    InterventionData(
        UTVECKLINGSARBETE,
        TUSEN_MOJLIGHETER,
        "IOP: kunskap om våld i nära relation bland unga",
        "Idéburet offentligt partnerskap som ökar kunskapen bland unga om våld i nära relation "
        "och erbjuder stöd till beteendeförändring för unga som utövar våld.",
        "Stiftelsen 1000 Möjligheter",
        Decimal("1"),
        "Skolbesök och stödsamtal enligt partnerskapets plan.",
        (
            (Group.ACTIVITY_TYPE, "Direkta insatser till målgrupp"),
            (Group.ACTIVITY_TYPE, "Information och kommunikation"),
            (Group.GOAL, "Mindre risker"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 18–29 år"),
            (Group.COLLABORATION, "Med civilsamhället"),
            (Group.PERSPECTIVE, "Jämställdhet"),
        ),
    ),
    InterventionData(
        KUNSKAPSBASERAD,
        ENSKEDE,
        "Viewpoint",
        "Digitalt verktyg för barns delaktighet: inför samtal med socialsekreteraren svarar "
        "barn och unga på en enkät och samtalet anpassas efter svaren.",
        "Enheten för barn och unga",
        Decimal("0.5"),
        "Barn och unga har reagerat positivt; medarbetarna ser att barns åsikter som inte "
        "lyfts tidigare kommer fram.",
        (
            (Group.ACTIVITY_TYPE, "Implementering och utveckling av arbetssätt och metoder"),
            (Group.GOAL, "Ökad vård- och omsorgskvalitet"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 0–17 år"),
            (Group.PERSPECTIVE, "Barnrätt"),
            (Group.INVOLVEMENT, "Enskilda personer"),
            (Group.EFFECT, "Förbättrad psykisk hälsa"),
        ),
    ),
    InterventionData(
        KUNSKAPSBASERAD,
        ARBETSMARKNAD,
        "Supported education",
        "Stöd till studier för unga vuxna som varken arbetar eller studerar.",
        "Jobbtorg Stockholm",
        Decimal("0.6"),
        "Metoden är införd; fler deltagare har påbörjat studier.",
        (
            (Group.ACTIVITY_TYPE, "Implementering och utveckling av arbetssätt och metoder"),
            (Group.GOAL, "Förbättrade förutsättningar"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 18–29 år"),
            (Group.EFFECT, "För tidigt att bedöma"),
        ),
    ),
    InterventionData(
        KUNSKAPSBASERAD,
        HAGERSTEN,
        "Första hjälpen till psykisk hälsa (MHFA)",
        "Utbildning av utbildare i MHFA för att stärka det klientcentrerade stödet till "
        "sjukskrivna utan ersättning.",
        "Ekonomiskt bistånd",
        Decimal("0.4"),
        "Fyra instruktörer utbildade; kurser för handläggare har startat.",
        (
            (Group.ACTIVITY_TYPE, "Kompetensutveckling"),
            (Group.GOAL, "Ökad vård- och omsorgskvalitet"),
            (Group.TARGET_GROUP, "Personal och verksamheter"),
            (Group.EFFECT, "Ökad kunskap hos personal"),
        ),
    ),
    InterventionData(
        SAMSJUKLIGHET,
        SOF_HEMLOSA,
        "Förstärkt samverkan vid samsjuklighet",
        "Koordinator i projektet med Beroendecentrum Stockholm, Prima Maria och Psykiatri "
        "Södra Stockholm för samtidiga insatser och samtidig handläggning.",
        "Enheten för hemlösa",
        Decimal("0.9"),
        "Rutiner för samtidiga insatser är upprättade och fler brukare har fått samtidig "
        "handläggning.",
        (
            (Group.ACTIVITY_TYPE, "Samverkan"),
            (Group.GOAL, "Ökad vård- och omsorgskvalitet"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 30–64 år"),
            (Group.COLLABORATION, "Mellan kommun och region"),
            (Group.EFFECT, "Stärkt samverkan"),
        ),
    ),
    InterventionData(
        SAMSJUKLIGHET,
        STREETMINDS,
        "IOP Streetminds",
        "Flexibelt och deltagarstyrt stöd i omställningen från långvarig hemlöshet till eget "
        "boende, och en öppen verksamhet mot isolering, ensamhet och digitalt utanförskap.",
        "Streetminds",
        Decimal("1"),
        "Deltagare har fått stöd i flytten till eget boende; den öppna verksamheten har haft "
        "besök varje vecka.",
        (
            (Group.ACTIVITY_TYPE, "Direkta insatser till målgrupp"),
            (Group.GOAL, "Mindre risker"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 30–64 år"),
            (Group.COLLABORATION, "Med civilsamhället"),
            (Group.INVOLVEMENT, "Patient-, brukar- och anhörigorganisationer"),
        ),
    ),
    InterventionData(
        SUICIDPREVENTION,
        UTBILDNING,
        "Kompetensutveckling i elevhälsan",
        "Kompetenshöjande insatser om neuropsykiatriska funktionsnedsättningar, ångest, "
        "första hjälpen vid psykisk ohälsa och sociala medier för skolsköterskor, kuratorer "
        "och lärare.",
        "Elevhälsan",
        Decimal("0.55"),
        "Elevhälsans personal i alla skolområden har erbjudits utbildning.",
        (
            (Group.ACTIVITY_TYPE, "Kompetensutveckling"),
            (Group.GOAL, "Förbättrade förutsättningar"),
            (Group.TARGET_GROUP, "Personal och verksamheter"),
            (Group.EFFECT, "Ökad kunskap hos personal"),
        ),
    ),
    InterventionData(
        SUICIDPREVENTION,
        UTBILDNING,
        "Arts and Hearts",
        "Hälsofrämjande program, böcker och föreläsningar som stärker personalens arbete med "
        "elevernas psykiska hälsa.",
        "Grundskoleavdelningen",
        Decimal("0.3"),
        "Programmet används i utvalda skolor.",
        (
            (Group.ACTIVITY_TYPE, "Implementering och utveckling av arbetssätt och metoder"),
            (Group.GOAL, "Mindre risker"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 0–17 år"),
            (Group.PERSPECTIVE, "Barnrätt"),
            (Group.EFFECT, "För tidigt att bedöma"),
        ),
    ),
    InterventionData(
        UNGDOMSMOTTAGNINGAR,
        RINKEBY_KISTA,
        "Förstärkt kuratorsbemanning på ungdomsmottagningen",
        "Förstärkt kuratorsbemanning för att möta söktrycket på ungdomsmottagningen.",
        "Ungdomsmottagningen",
        Decimal("0.7"),
        "Väntetiden till kurator har kortats.",
        (
            (Group.ACTIVITY_TYPE, "Direkta insatser till målgrupp"),
            (Group.GOAL, "Ökad tillgänglighet"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 0–17 år"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 18–29 år"),
            (Group.EFFECT, "Förbättrad psykisk hälsa"),
        ),
    ),
    InterventionData(
        UNGDOMSMOTTAGNINGAR,
        SODERMALM,
        "Grupper för unga trans- och hbtqi-personer",
        "Samtalsgrupper på ungdomsmottagningen för unga trans- och hbtqi-personer.",
        "Ungdomsmottagningen",
        Decimal("0.35"),
        "Två grupper har genomförts med god uppslutning.",
        (
            (Group.ACTIVITY_TYPE, "Direkta insatser till målgrupp"),
            (Group.GOAL, "Ökad tillgänglighet"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 18–29 år"),
            (Group.PERSPECTIVE, "Hbtqi+"),
            (Group.EFFECT, "Förbättrad psykisk hälsa"),
        ),
    ),
    InterventionData(
        UNGDOMSMOTTAGNINGAR,
        SKARHOLMEN,
        "Utåtriktat arbete på ungdomsmottagningen",
        "Workshops, filmkvällar och teater med skolan, kulturskolan, biblioteket och "
        "fältassistenter för att nå unga som inte själva söker sig till mottagningen.",
        "Ungdomsmottagningen",
        Decimal("0.5"),
        "Fler unga från underrepresenterade grupper har besökt mottagningen.",
        (
            (Group.ACTIVITY_TYPE, "Information och kommunikation"),
            (Group.GOAL, "Ökad tillgänglighet"),
            (Group.TARGET_GROUP, "Vård- och omsorgstagare 0–17 år"),
            (Group.COLLABORATION, "Inom egen huvudman"),
            (Group.EFFECT, "För tidigt att bedöma"),
        ),
    ),
)

# --- Users (invented) ------------------------------------------------------------------------


@dataclass(frozen=True)
class UserData:
    username: str
    first_name: str
    last_name: str
    role: str
    recipient: str | None = None
    staff: bool = False


USERS = (
    UserData("samordnare", "Karin", "Lindqvist", Membership.Role.COORDINATOR),
    UserData("admin", "Johan", "Ekström", Membership.Role.ADMINISTRATOR, staff=True),
    UserData("rapportor", "Amina", "Warsame", Membership.Role.REPORTER, recipient=JARVA),
    UserData("lasare", "Per", "Holmberg", Membership.Role.READER),
)

# --- Loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str  # the Swedish label
    recipient: str | None
    password_set: bool  # False: the account existed and its password was left alone


@dataclass(frozen=True)
class DemoSummary:
    organisation: str
    created: int  # rows written by this run
    updated: int
    counts: dict[str, int]  # rows of the organisation now in the database, by Swedish name
    logins: tuple[DemoLogin, ...]
    password: str = DEMO_PASSWORD


def split_exact(total: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """Whole kronor in proportion to weights, adding up exactly to total (largest remainder).

    Integer arithmetic throughout; ties go to the earlier weight, so the result is
    deterministic.
    """
    _check(total == total.to_integral_value(), f"{total} är inte hela kronor.")
    _check(bool(weights) and all(w > 0 for w in weights), "Vikterna måste vara positiva.")
    whole, weight_sum = int(total), sum(weights)
    shares = [whole * weight // weight_sum for weight in weights]
    remainders = [whole * weight % weight_sum for weight in weights]
    missing = whole - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:missing]:
        shares[index] += 1
    return [kr(share) for share in shares]


class _Loader:
    """Writes rows only when they are missing or differ, and counts what it did."""

    def __init__(self) -> None:
        self.created = 0
        self.updated = 0

    def upsert(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any] | None = None,
        *,
        update: bool = True,
    ) -> models.Model:
        """get_or_create/update_or_create that runs full_clean() and skips no-op saves.

        update=False only creates: rows a user is expected to edit in the app are left alone.
        Rows with a version column get a new version when changed, so an open edit form
        notices that the row changed under it.
        """
        values = values or {}
        try:
            obj = model.objects.get(**lookup)
        except model.DoesNotExist:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.created += 1
            return obj
        if not update:
            return obj
        changed = [name for name, value in values.items() if not _same(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if hasattr(obj, "version"):
                obj.version += 1
            obj.full_clean()
            obj.save()
            self.updated += 1
        return obj


def _same(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        # Compare keys, so checking does not load the related row.
        return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def demo_load() -> DemoSummary:
    """Load (or restore) Stockholms stad's demo data; raise DemoDataError if it does not add up.

    Everything happens in one transaction: a failed check leaves the database as it was.
    """
    with transaction.atomic():
        loader = _Loader()
        organisation = loader.upsert(
            Organisation, {"code": ORGANISATION["code"]}, _without(ORGANISATION, "code")
        )
        recipients = _load_recipients(loader, organisation)
        categories = _load_survey_categories(loader)
        agreement_2023, areas_2023 = _load_agreement(loader, organisation, AGREEMENT_2023)
        allocations_2023 = _load_allocations_2023(loader, areas_2023, recipients)
        follow_ups = _load_follow_ups_2023(loader, allocations_2023)
        _load_repayments_2023(loader, areas_2023, recipients, allocations_2023, follow_ups)
        _load_interventions_2023(loader, follow_ups, categories)
        agreement_2024, areas_2024 = _load_agreement(loader, organisation, AGREEMENT_2024)
        _load_draft_2024(loader, areas_2024, recipients)
        logins = _load_users(loader, organisation, recipients)
        _check_books(agreement_2023, agreement_2024)
        return DemoSummary(
            organisation=organisation.name,
            created=loader.created,
            updated=loader.updated,
            counts=_counts(organisation),
            logins=tuple(logins),
        )


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != key}


def _load_recipients(loader: _Loader, organisation: Organisation) -> dict[str, Recipient]:
    recipients: dict[str, Recipient] = {}
    district = Recipient.Kind.DISTRICT

    def load(name: str, kind: str, **values: Any) -> None:
        defaults = {
            "kind": kind,
            "organisation_number": "",
            "valid_from": None,
            "valid_to": None,
            "successor": None,
            **values,
        }
        recipients[name] = loader.upsert(
            Recipient, {"organisation": organisation, "name": name}, defaults
        )

    for name in UNCHANGED_DISTRICTS:
        load(name, district)
    # Successors first: the predecessors point at them.
    for name in (JARVA, NORRA_INNERSTADEN):
        load(name, district, valid_from=REFORM_FIRST_DAY)
    for name, successor in MERGED_DISTRICTS.items():
        load(name, district, valid_to=REFORM_LAST_DAY, successor=recipients[successor])
    for name in DEPARTMENTS:
        load(name, Recipient.Kind.DEPARTMENT)
    for index, name in enumerate(ASSOCIATIONS):
        load(name, Recipient.Kind.ASSOCIATION, organisation_number=demo_organisation_number(index))
    return recipients


def _load_survey_categories(loader: _Loader) -> dict[tuple[int, str, str], SurveyCategory]:
    """The demo's insatser use the national reference data's categories of their year."""
    reference_data_load()
    return {
        (category.year, category.group, category.label): category
        for category in SurveyCategory.objects.filter(year__in=SURVEY_YEARS)
    }


def _load_agreement(
    loader: _Loader, organisation: Organisation, data: AgreementData
) -> tuple[Agreement, dict[str, PriorityArea]]:
    _check(
        sum((area.granted for area in data.areas), ZERO) == data.total,
        f"De prioriterade områdena {data.year} summerar inte till {data.total} kr.",
    )
    agreement = loader.upsert(
        Agreement,
        {"organisation": organisation, "year": data.year},
        {
            "title": data.title,
            "agreed_on": data.agreed_on,
            "status": data.status,
            "registry_number": data.registry_number,
        },
    )
    national = {
        area.number: area
        for area in NationalArea.objects.filter(national_agreement__year=data.year)
    }
    areas = {}
    for area in data.areas:
        number = NATIONAL_AREA_NUMBERS[data.year, area.name]
        _check(number in national, f"Det nationella området {number} för {data.year} saknas.")
        areas[area.name] = loader.upsert(
            PriorityArea,
            {"agreement": agreement, "number": area.number},
            {
                "name": area.name,
                "description": area.description,
                "granted": area.granted,
                "national_area": national[number],
            },
        )
    return agreement, areas


def _area_split(
    granted: Decimal, fixed: dict[str, Decimal], districts: Sequence[str]
) -> dict[str, Decimal]:
    """The fixed amounts, and what remains split between the districts by weight."""
    rest = granted - sum(fixed.values(), ZERO)
    _check(rest > ZERO, "De fasta beloppen tar hela området; inget blir kvar till stadsdelarna.")
    split = split_exact(rest, [DISTRICT_WEIGHTS[name] for name in districts])
    return {**fixed, **dict(zip(districts, split, strict=True))}


def _load_allocations_2023(
    loader: _Loader, areas: dict[str, PriorityArea], recipients: dict[str, Recipient]
) -> dict[tuple[str, str], Allocation]:
    allocations = {}
    for area_name, area in areas.items():
        amounts = _area_split(area.granted, FIXED_2023[area_name], DISTRICTS_2023[area_name])
        _check(
            sum(amounts.values(), ZERO) == area.granted,
            f"Fördelningen av {area_name} 2023 summerar inte till det tilldelade beloppet.",
        )
        for name, amount in amounts.items():
            recipient = recipients[name]
            comment = ALLOCATION_COMMENTS.get(name, "")
            if not comment and recipient.kind == Recipient.Kind.ASSOCIATION:
                comment = ASSOCIATION_COMMENT
            allocations[area_name, name] = loader.upsert(
                Allocation,
                {"priority_area": area, "recipient": recipient},
                {"amount": amount, "comment": comment},
            )
    _check_kind_shares(
        {name: recipients[name].kind for _, name in allocations}, allocations, AGREEMENT_2023.total
    )
    _check(
        {r.name for r in recipients.values() if r.kind == Recipient.Kind.ASSOCIATION}
        <= {name for _, name in allocations},
        "Alla föreningar ska ha fått medel 2023.",
    )
    return allocations


# The split seed 004 reports for 2023, in percent, and how far the demo may be from it.
KIND_SHARES_2023 = {
    Recipient.Kind.DISTRICT: Decimal(55),
    Recipient.Kind.DEPARTMENT: Decimal(35),
    Recipient.Kind.ASSOCIATION: Decimal(10),
}
KIND_SHARE_TOLERANCE = Decimal(1)


def _check_kind_shares(
    kinds: dict[str, str], allocations: dict[tuple[str, str], Allocation], total: Decimal
) -> None:
    by_kind: dict[str, Decimal] = dict.fromkeys(KIND_SHARES_2023, ZERO)
    for (_, name), allocation in allocations.items():
        by_kind[kinds[name]] += allocation.amount
    for kind, target in KIND_SHARES_2023.items():
        share = by_kind[kind] * 100 / total
        _check(
            abs(share - target) <= KIND_SHARE_TOLERANCE,
            f"Andelen till {Recipient.Kind(kind).label} 2023 är {share:.1f} %, "
            f"inte cirka {target} %.",
        )


def _load_follow_ups_2023(
    loader: _Loader, allocations: dict[tuple[str, str], Allocation]
) -> dict[tuple[str, str], FollowUp]:
    keys = list(UNSPENT_WEIGHTS_2023)
    _check(set(keys) <= set(allocations), "Oförbrukade medel hänvisar till en okänd fördelning.")
    unspent = dict(
        zip(keys, split_exact(UNSPENT_TOTAL_2023, list(UNSPENT_WEIGHTS_2023.values())), strict=True)
    )
    follow_ups = {}
    for key, allocation in allocations.items():
        left = unspent.get(key, ZERO)
        _check(
            left <= allocation.amount / 2,
            f"{key[1]} kan inte ha lämnat {left} kr av {allocation.amount} kr oförbrukat.",
        )
        if left:
            results = (
                "Insatserna har genomförts men alla planerade aktiviteter hann inte starta "
                "under året. Det som inte förbrukades har betalats tillbaka till "
                "socialförvaltningen."
            )
        else:
            results = "Insatserna har genomförts enligt plan och medlen är förbrukade."
        follow_ups[key] = loader.upsert(
            FollowUp,
            {"allocation": allocation},
            {
                "status": FollowUp.Status.APPROVED,
                "spent": allocation.amount - left,
                "results": results,
                "submitted_at": FOLLOW_UP_SUBMITTED_AT,
                "approved_at": FOLLOW_UP_APPROVED_AT,
            },
        )
    return follow_ups


def _load_repayments_2023(
    loader: _Loader,
    areas: dict[str, PriorityArea],
    recipients: dict[str, Recipient],
    allocations: dict[tuple[str, str], Allocation],
    follow_ups: dict[tuple[str, str], FollowUp],
) -> None:
    repaid_per_area = dict.fromkeys(areas, ZERO)
    for (area_name, name), follow_up in follow_ups.items():
        unspent = allocations[area_name, name].amount - follow_up.spent
        if not unspent:
            continue
        repaid_per_area[area_name] += unspent
        loader.upsert(
            Repayment,
            {
                "priority_area": areas[area_name],
                "kind": Repayment.Kind.FROM_RECIPIENT,
                "recipient": recipients[name],
            },
            {
                "amount": unspent,
                "paid_on": REPAID_BY_RECIPIENTS_ON,
                "reference": "Outnyttjade medel 2023",
            },
        )
    for area_name, repaid in repaid_per_area.items():
        if not repaid:
            continue
        loader.upsert(
            Repayment,
            {"priority_area": areas[area_name], "kind": Repayment.Kind.TO_STATE, "recipient": None},
            {
                "amount": repaid,
                "paid_on": REPAID_TO_STATE_ON,
                "reference": "Återbetalning av outnyttjade medel 2023",
            },
        )


def _load_interventions_2023(
    loader: _Loader,
    follow_ups: dict[tuple[str, str], FollowUp],
    categories: dict[tuple[int, str, str], SurveyCategory],
) -> None:
    spent_by_interventions: dict[tuple[str, str], Decimal] = {}
    for data in INTERVENTIONS_2023:
        key = (data.area, data.recipient)
        _check(key in follow_ups, f"Insatsen {data.name} hänvisar till en okänd fördelning.")
        follow_up = follow_ups[key]
        amount = kr(int((follow_up.spent * data.share_of_spent).quantize(KRONA, ROUND_DOWN)))
        spent_by_interventions[key] = spent_by_interventions.get(key, ZERO) + amount
        _check(
            spent_by_interventions[key] <= follow_up.spent,
            f"Insatserna för {data.recipient} ({data.area}) kostar mer än som förbrukats.",
        )
        intervention = loader.upsert(
            Intervention,
            {"follow_up": follow_up, "name": data.name},
            {
                "description": data.description,
                "responsible_unit": data.responsible_unit,
                "amount_spent": amount,
                "results": data.results,
            },
        )
        # set() only writes the difference, so a second run leaves the links alone.
        intervention.categories.set(
            [categories[2023, group, label] for group, label in data.categories]
        )

    # Invented demo data: the seed names a dozen insatser, but every approved report must
    # account for all its money in insatser (the national enkät counts money per insats).
    # The rest of each report is one summary insats per allocation.
    ongoing = [
        categories[
            2023, Group.ACTIVITY_TYPE, "Implementering och utveckling av arbetssätt och metoder"
        ],
        categories[2023, Group.GOAL, "Ökad vård- och omsorgskvalitet"],
        categories[2023, Group.TARGET_GROUP, "Personal och verksamheter"],
    ]
    for (area_name, recipient_name), follow_up in follow_ups.items():
        remainder = follow_up.spent - spent_by_interventions.get((area_name, recipient_name), ZERO)
        if remainder <= 0:
            continue
        intervention = loader.upsert(
            Intervention,
            {"follow_up": follow_up, "name": f"{ONGOING_PREFIX} {area_name.lower()}"},
            {
                "description": (
                    f"Samlad redovisning av {recipient_name}s övriga arbete inom området "
                    "under 2023 (demodata)."
                ),
                "responsible_unit": recipient_name,
                "amount_spent": remainder,
                "results": "Arbetet har genomförts enligt plan (demodata).",
            },
        )
        intervention.categories.set(ongoing)


def _load_draft_2024(
    loader: _Loader, areas: dict[str, PriorityArea], recipients: dict[str, Recipient]
) -> None:
    for area_name, area in areas.items():
        amounts = dict(DRAFT_2024_FIXED.get(area_name, {}))
        district_total = DRAFT_2024_DISTRICT_TOTAL.get(area_name)
        if district_total:
            weights = [DISTRICT_WEIGHTS[name] for name in DISTRICTS_FROM_JULY_2023]
            split = split_exact(district_total, weights)
            amounts.update(zip(DISTRICTS_FROM_JULY_2023, split, strict=True))
        _check(
            sum(amounts.values(), ZERO) < area.granted,
            f"Utkastet för 2024 ska lämna en del av {area_name} ofördelad.",
        )
        for name, amount in amounts.items():
            # update=False: the coordinator changes the draft in the app; keep their edits.
            loader.upsert(
                Allocation,
                {"priority_area": area, "recipient": recipients[name]},
                {"amount": amount, "comment": DRAFT_2024_COMMENT},
                update=False,
            )


def _load_users(
    loader: _Loader, organisation: Organisation, recipients: dict[str, Recipient]
) -> list[DemoLogin]:
    user_model = get_user_model()
    logins = []
    for data in USERS:
        values = {
            "first_name": data.first_name,
            "last_name": data.last_name,
            "email": f"{data.username}@example.se",
            "is_staff": data.staff,
            "is_superuser": data.staff,
            "is_active": True,
        }
        user = user_model.objects.filter(username=data.username).first()
        password_set = user is None
        if user is None:
            # The password is set only when the account is created: a re-run neither churns
            # the hash nor resets a password somebody changed.
            user = user_model(username=data.username, **values)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            loader.created += 1
        else:
            user = loader.upsert(user_model, {"username": data.username}, values)
        recipient = recipients[data.recipient] if data.recipient else None
        membership = loader.upsert(
            Membership,
            {"user": user, "organisation": organisation},
            {"role": data.role, "recipient": recipient},
        )
        logins.append(
            DemoLogin(
                username=data.username,
                full_name=user.get_full_name(),
                role=str(membership.get_role_display()),
                recipient=recipient.name if recipient else None,
                password_set=password_set,
            )
        )
    return logins


def _check_books(agreement_2023: Agreement, agreement_2024: Agreement) -> None:
    """The figures seed 004 reports must come out of the balance, to the öre."""
    balance = agreement_balance(agreement_2023)
    total = balance.total
    expected = {
        "granted": kr(45_200_000),
        "allocated": kr(45_200_000),
        "spent": kr(43_700_000),
        "repaid_by_recipients": kr(1_500_000),
        "repaid_to_state": kr(1_500_000),
    }
    for name, amount in expected.items():
        _check(
            getattr(total, name) == amount,
            f"2023: {name} är {getattr(total, name)} kr, väntat {amount} kr. Har 2023 års "
            "demodata ändrats i appen?",
        )
    for line in balance.lines:
        _check(line.unallocated == ZERO, f"2023: {line.label} är inte helt fördelat.")
        _check(line.reconciles, f"2023: {line.label} går inte ihop.")
    balance_2024 = agreement_balance(agreement_2024)
    _check(balance_2024.total.granted == AGREEMENT_2024.total, "2024 ska vara 32 300 000 kr.")
    for line in balance_2024.lines:
        _check(not line.over_allocated, f"2024: {line.label} är överfördelat.")


def _counts(organisation: Organisation) -> dict[str, int]:
    """Rows of each kind that belong to the organisation, by Swedish name."""
    agreements = Agreement.objects.filter(organisation=organisation)
    allocations = Allocation.objects.filter(priority_area__agreement__in=agreements)
    follow_ups = FollowUp.objects.filter(allocation__in=allocations)
    return {
        "överenskommelser": agreements.count(),
        "prioriterade områden": PriorityArea.objects.filter(agreement__in=agreements).count(),
        "mottagare": Recipient.objects.filter(organisation=organisation).count(),
        "fördelningar": allocations.count(),
        "redovisningar": follow_ups.count(),
        "insatser": Intervention.objects.filter(follow_up__in=follow_ups).count(),
        "återbetalningar": Repayment.objects.filter(
            priority_area__agreement__in=agreements
        ).count(),
        "enkätkategorier": SurveyCategory.objects.filter(year__in=SURVEY_YEARS).count(),
        "användare": Membership.objects.filter(organisation=organisation).count(),
    }
