"""Demo data: the county's Inriktning för psykisk hälsa och suicidprevention 2024–2026.

`plan_demo_load(organisation)` is idempotent: rows are found by natural key and written only
when missing or different.

Where the data comes from
-------------------------
Seed 000 (Storsthlm / Region Stockholm, "Inriktning för psykisk hälsa och suicidprevention
2024–2026"), word for word: the five målområden with their names, the text under "Målområdets
betydelse för psykisk hälsa och suicidprevention" as description, and every prioriterat område
under each, spelling included ("förbyggande" in 5.2 is the seed's). Paragraph breaks are the
seed's; line breaks inside a paragraph are not. The seed's own text for målområde 1 ends a
sentence in "genom att:" with nothing after it (a list was lost from the source); it is kept
as it stands rather than completed by guesswork.

Invented, for the demo only:
  * that Stockholms stad (0180) holds the county-wide plan as its own active plan, its
    status and the short description;
  * one indicator with its values (marked "Demoexempel" in its source);
  * `plan_demo_link_funds`: which 2023 demo insatser and fördelningar serve which priority
    (plausible readings of the insatser's descriptions), see DEMO_LINKS_2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Model

from plans.models import ActionPlan, GoalArea, Indicator, IndicatorValue, PlanPriority

PLAN_TITLE = "Inriktning för psykisk hälsa och suicidprevention 2024–2026"


@dataclass(frozen=True)
class GoalAreaData:
    number: int
    name: str
    description: str
    priorities: tuple[str, ...]


INRIKTNING = (
    GoalAreaData(
        1,
        "Sömlös vård och omsorg",
        "Verksamheterna skapar förutsättningar för att förebygga och behandla psykisk ohälsa "
        "och för att fånga upp psykisk ohälsa på ett tidigt stadium genom att:\n\n"
        "Lösningar där ansvar, behov och insatser är uttalade och tydliga för den som mottar "
        "insatsen, gynnar såväl god, jämlik och jämställd hälsa som ökar patientsäkerheten.",
        (
            "Stärkt arbete genom integrerade och/eller samlokaliserade verksamheter som möter "
            "människor med behov av stöd av flera aktörer.",
            "Välutvecklat lokalt samarbete mellan verksamheter inom vård och omsorg som möter "
            "barn och unga med psykisk ohälsa och/eller människor med beroende och/eller "
            "psykisk ohälsa.",
            "Tydliga överlämningar och samtidiga insatser för att minska glappet vid övergångar "
            "mellan insatser för barn och unga, inklusive unga vuxna.",
        ),
    ),
    GoalAreaData(
        2,
        "Personcentrerad vård och omsorg",
        "Metoder och arbetssätt som stärker delaktigheten hos patienter och brukare ökar "
        "verksamheternas möjligheter att arbeta personcentrerat utifrån den enskildes "
        "förmågor, behov och förutsättningar. Medskapande och delaktighet i den egna vården "
        "och omsorgen ökar förutsättningarna för snabbare återhämtning och ändamålsenliga "
        "insatser för psykisk hälsa. I det personcentrerade arbetet är det viktigt att "
        "inkludera anhöriga och närstående.\n\n"
        "Stärkt delaktighet ökar även möjligheterna att bättre bemöta människor med allvarliga "
        "psykiatriska tillstånd, funktionsnedsättning och/eller omfattande behov, som till "
        "exempel vid samsjuklighet mellan beroende- och psykossjukdom.",
        (
            "Verksamheter använder sig systematiskt av metoder och arbetssätt för att göra "
            "patienter, brukare och anhöriga delaktiga i frågor som rör dem och deras "
            "närstående.",
            "Stärkt vård och omsorgskedja vid oro för suicid och efter suicidförsök.",
        ),
    ),
    GoalAreaData(
        3,
        "Befolkningens hälsa ska förbättras",
        "Ökad samverkan mellan vård och omsorg kring hälsofrämjande och förebyggande insatser "
        "och med fokus på dem med störst behov, möjliggör en gemensam utveckling av arbetssätt "
        "och metoder. Ökad samverkan leder också till större möjligheter att upptäcka såväl "
        "riskfaktorer som tecken på psykisk ohälsa på ett tidigt stadium.\n\n"
        "Strukturerad samverkan mellan förskola, skola, socialtjänst och hälso- och sjukvård "
        "kring främjande och förebyggande insatser, ökar förutsättningarna att tidigt ge "
        "insatser vid både vid risk för och vid uppkomst av psykisk ohälsa. Samverkan med "
        "civilsamhället är central i det främjande och förebyggande arbetet. Insatserna riktas "
        "till såväl individer som grupper, och stärker barn och ungas förmåga att hantera "
        "kriser och negativa händelser.\n\n"
        "Suicidpreventivt arbete på lokal och regional nivå och med insatser riktade till både "
        "hela befolkningsgrupper och till identifierade riskgrupper, stärker möjligheterna att "
        "möta och tidigt fånga upp personer i riskzonen.",
        (
            "Evidensbaserade insatser, anpassade efter individens behov, används i samverkan "
            "för att främja psykisk hälsa och förebygga psykisk ohälsa",
            "Stärkt arbete mot våld i nära relationer, hedersrelaterat förtryck och våld, "
            "utifrån möjlighet att tidigt upptäcka och ge insatser vid risk eller utsatthet.",
            "Minskad ofrivillig ensamhet för människor med stor risk för psykisk ohälsa, till "
            "exempel äldre och unga som varken arbetar eller studerar",
            "Stärkt stöd till efterlevande vid suicid.",
            "Ökad kunskap om psykisk hälsa och suicidprevention.",
            "Ökat systematiskt och strategiskt suicidpreventivt arbete",
            "Begränsad tillgänglighet till medel och metoder för suicid",
        ),
    ),
    GoalAreaData(
        4,
        "Jämlik tillgång till vård och omsorg",
        "Ökat fokus på tillgång till vård och omsorg på lika villkor, bidrar till att undanröja "
        "hinder för att söka vård och omsorg vid psykisk ohälsa, till exempel stigma, "
        "bristande förtroende och brist på information och kunskap.\n\n"
        "Hälsofrämjande och förebyggande insatser fokuserar på dem med störst behov och som "
        "riskerar att drabbas av psykisk ohälsa och/eller har identifierade vård- och "
        "omsorgsbehov.",
        (
            "Enkla och tydliga kontaktvägar till vård och omsorg, utformade och anpassade efter "
            "invånarnas behov, som möter behovet av en lättillgänglig och välfungerande första "
            "linjens psykiatri, socialtjänst och elevhälsa",
            "Stärkt efterlevnad av nationella riktlinjer inom området psykisk hälsa",
            "Stärkt tillgänglighet till vård och omsorg via digitala tjänster för personer med "
            "psykisk ohälsa där alla, oavsett förutsättningar, har möjlighet att ta del av "
            "tjänsterna genom anpassning utifrån behov hos både grupper och enskilda",
        ),
    ),
    GoalAreaData(
        5,
        "Kostnadseffektiv vård och omsorg",
        "Ledning och styrning i samverkan, systematiskt utvecklingsarbete och sammanhållen "
        "uppföljning möjliggör bästa möjliga effekt av insatser riktade till enskilda individer "
        "och grupper.\n\n"
        "Dialog och samsyn, från ledning till verksamhetsnivå, skapar förståelse för "
        "gemensamma utmaningar och hur dessa kan mötas. Strukturer för att ta till vara "
        "kreativa idéer och lösningar bidrar till att utveckla mer effektiva arbetssätt.\n\n"
        "Tidig upptäckt av psykisk ohälsa och tidiga insatser leder till bättre mående. "
        "Samtidigt minskar samhällskostnaderna både till följd av ett lägre behov av stöd under "
        "kortare tid och, på längre sikt, minskat utanförskap.",
        (
            "Kunskap om psykisk hälsa är integrerad i ledning och styrning",
            "Ökad samverkan i det främjande och förbyggande arbetet för en god psykisk hälsa "
            "och minskade hälsoklyftor i befolkningen",
            "Utvecklade metoder och kompetens för att leda och följa upp verksamheter i samverkan",
        ),
    ),
)

PLAN_DESCRIPTION = (
    "Länsgemensam inriktning för Stockholms län, framtagen av Storsthlm och Region Stockholm "
    "inom Uppdrag Psykisk Hälsa. De prioriterade områdena utgår från de fem målområdena i "
    "Handlingsplan för god och nära vård och omsorg 2024–2030. Stockholms stad följer "
    "inriktningen som sin gällande plan (demo)."
)

# Invented: one indicator to show values against baseline and target.
DEMO_INDICATOR = {
    "priority": "3.6",
    "name": "Stadsdelsförvaltningar med lokal handlingsplan för suicidprevention",
    "unit": "antal",
    "baseline_year": 2023,
    "baseline": Decimal("4"),
    "target_year": 2026,
    "target": Decimal("11"),
    "source": "Demoexempel (påhittade värden)",
    "values": {2023: Decimal("4"), 2024: Decimal("6")},
}

# Invented: which of funds' 2023 demo insatser serve which priority of the Inriktning
# (insats name -> priority codes). An allocation serves the union of its insatser's
# priorities. "Kompetensutveckling i elevhälsan" serves two, to show how shared money is
# split. Priorities such as 3.7 (means of suicide) are deliberately left without funded
# work: the national follow-up (seed 003) finds exactly that gap.
DEMO_LINKS_2023 = {
    "Mentors in violence prevention (MVP)": ("3.2",),
    "Dansa utan krav": ("3.1",),
    "IOP: kunskap om våld i nära relation bland unga": ("3.2",),
    "Viewpoint": ("2.1",),
    "Supported education": ("3.3",),
    "Första hjälpen till psykisk hälsa (MHFA)": ("3.5",),
    "Förstärkt samverkan vid samsjuklighet": ("1.2",),
    "IOP Streetminds": ("3.3",),
    "Kompetensutveckling i elevhälsan": ("3.5", "3.6"),
    "Arts and Hearts": ("3.1",),
    "Förstärkt kuratorsbemanning på ungdomsmottagningen": ("4.1",),
    "Grupper för unga trans- och hbtqi-personer": ("4.1",),
    "Utåtriktat arbete på ungdomsmottagningen": ("4.1",),
}


class PlanDemoError(Exception):
    """The demo cannot be loaded (e.g. the funds demo is missing)."""


@dataclass(frozen=True)
class PlanDemoSummary:
    plan: ActionPlan
    created: int
    updated: int
    linked_interventions: int = 0


def _upsert(model, lookup: dict, values: dict, counts: list[int]):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        counts[0] += 1
        return obj
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        counts[1] += 1
    return obj


@transaction.atomic
def plan_demo_load(organisation: Model) -> PlanDemoSummary:
    """Load (or restore) the Inriktning 2024–2026 as the organisation's active plan."""
    counts = [0, 0]
    plan = _upsert(
        ActionPlan,
        {"owner": organisation, "title": PLAN_TITLE, "period_start": 2024},
        {
            "period_end": 2026,
            "scope": ActionPlan.Scope.COUNTY,
            "status": ActionPlan.Status.ACTIVE,
            "description": PLAN_DESCRIPTION,
        },
        counts,
    )
    priorities = {}
    for data in INRIKTNING:
        area = _upsert(
            GoalArea,
            {"plan": plan, "number": data.number},
            {"name": data.name, "description": data.description},
            counts,
        )
        for number, name in enumerate(data.priorities, start=1):
            priorities[f"{data.number}.{number}"] = _upsert(
                PlanPriority, {"goal_area": area, "number": number}, {"name": name}, counts
            )
    _load_indicator(priorities, counts)
    return PlanDemoSummary(plan=plan, created=counts[0], updated=counts[1])


def _load_indicator(priorities: dict[str, PlanPriority], counts: list[int]) -> None:
    data = dict(DEMO_INDICATOR)
    values = data.pop("values")
    lookup = {"priority": priorities[data.pop("priority")], "name": data.pop("name")}
    # Only created, never updated: users enter and correct indicator values in the app.
    if Indicator.objects.filter(**lookup).exists():
        return
    indicator = _upsert(Indicator, lookup, data, counts)
    for year, value in values.items():
        _upsert(IndicatorValue, {"indicator": indicator, "year": year}, {"value": value}, counts)


@transaction.atomic
def plan_demo_link_funds(organisation: Model, plan: ActionPlan) -> int:
    """Link funds' 2023 demo insatser, and the fördelningar they report on, to priorities.

    The links are funds' rows (funds points at plans). plans never imports funds, so the
    Intervention model comes from the app registry; this belongs in funds/demo.py once its
    owner takes it. Links are only added, never removed: a second run changes nothing, and
    links made in the app stay.
    """
    intervention_model = apps.get_model("funds", "Intervention")
    priorities = {
        p.code: p
        for p in PlanPriority.objects.filter(goal_area__plan=plan).select_related("goal_area")
    }
    interventions = {
        i.name: i
        for i in intervention_model.objects.filter(
            name__in=DEMO_LINKS_2023,
            follow_up__allocation__priority_area__agreement__organisation=organisation,
            follow_up__allocation__priority_area__agreement__year=2023,
        ).select_related("follow_up__allocation")
    }
    missing = set(DEMO_LINKS_2023) - set(interventions)
    if missing:
        raise PlanDemoError(
            "Demons insatser för 2023 saknas (kör load_demo först): " + ", ".join(sorted(missing))
        )
    for name, codes in DEMO_LINKS_2023.items():
        targets = [priorities[code] for code in codes]
        intervention = interventions[name]
        intervention.plan_priorities.add(*targets)
        intervention.follow_up.allocation.plan_priorities.add(*targets)
    return len(interventions)
