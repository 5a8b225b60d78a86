"""Demo tjänsteutlåtande for Stockholms stad, reporting 2023 and delegating 2024.

`decision_demo_load()` runs after funds.demo.demo_load() and is idempotent: it creates the
2023 document only when the year has none, so a second run, or a run after officials have
edited or issued the document in the app, changes nothing.

Where the data comes from
-------------------------
The prose is seed 004 (Dnr SOF 2023/567), shortened but in its words, with every amount
taken out: the document states the amounts from the data, and the edit form refuses
amounts in prose. Counts that the data knows (how many föreningar) are left to the
generated sentences as well.
Invented, and marked "invented" below: the handläggare, her phone number (from the range
PTS reserves for fiction), the signatories, the document and meeting dates, and the year in
Ärendets beredning (the seed says March 2023, a slip for 2024).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from funds.demo import ONGOING_PREFIX, ORGANISATION, DemoDataError
from funds.models import Agreement, Intervention
from reporting.models import PROSE_FIELDS, DecisionDocument
from reporting.prose import validate_no_amounts

YEAR = 2023

META = {
    "programme": "Uppdrag Psykisk Hälsa",  # seed 004
    "committee": "Socialnämnden",  # seed 004
    "delegate": "socialdirektören",  # seed 004
    "administration": "Socialförvaltningen",  # seed 004
    "department": "Avdelningen för strategi och utveckling",  # seed 004 (Ärendets beredning)
    "address": ORGANISATION["address"],  # invented in funds.demo
    "registry_number": "SOF 2023/567",  # seed 004
    "document_date": datetime.date(2024, 3, 5),  # invented
    "meeting_date": datetime.date(2024, 3, 19),  # invented
    "case_officer_name": "Karin Lindqvist",  # invented: the demo's samordnare
    "case_officer_phone": "08-465 004 21",  # invented, PTS range for fiction
    "director_name": "Eva Berglund",  # invented
    "director_title": "Socialdirektör",  # seed 004
    "head_name": "Mikael Strand",  # invented
    "head_title": "Avdelningschef",  # seed 004
}

PROSE = {
    "summary": """\
Staten och Sveriges Kommuner och Regioner (SKR) har sedan 2012 bedrivit ett långsiktigt \
arbete för att stärka och utveckla insatser inom området psykisk hälsa och suicidprevention \
genom årliga överenskommelser om utvecklingsmedel till kommuner och regioner. Parterna \
enades i december 2023 om en ny överenskommelse inför 2024.

Mål och inriktning i 2024 års överenskommelse är i stort oförändrade men omfattar mindre \
stimulansmedel totalt och fördelningen är förändrad. Den andel som tillfaller kommuner är \
avsevärt mindre jämfört med 2023.

Socialförvaltningen rekvirerar de stimulansmedel som tillfaller Stockholms stad. I \
föreliggande tjänsteutlåtande beskriver förvaltningen övergripande hur medel för 2023 har \
fördelats och föreslår en fördelningsprocess för 2024 års medel.

Socialförvaltningen har 2023, utifrån överenskommelsens prioriterade områden, fördelat medel \
till samtliga stadsdelsförvaltningar, utbildningsförvaltningen, arbetsmarknadsförvaltningen, \
idrottsförvaltningen, kulturförvaltningen samt föreningar inom civilsamhället. Ambitionen var \
att nå ut brett, till verksamheter som arbetar för målgrupper i alla åldrar, från främjande \
och förebyggande insatser till insatser som berör målgrupper med olika grad av psykisk \
ohälsa.

Under 2023 har en handlingsplan och målbild för stadens arbete med god och nära vård och \
omsorg tagits fram. Handlingsplanen anger en övergripande riktning för stadens arbete mot en \
god och nära vård och omsorg och inkluderar arbetet med att förebygga psykisk ohälsa och \
suicid.

Inför årets fördelning bör en helhetsbedömning göras med hänsyn till stadens utmaningar som \
faller inom ramen för överenskommelsens syfte, samt vilka övriga statsbidrag som har \
betydelse för området psykisk hälsa och budgetmedel som socialförvaltningen fördelar.""",
    "background": """\
Psykisk ohälsa och suicid är allvarliga folkhälsoproblem som medför stora konsekvenser för \
den enskilde, för anhöriga, närstående och för samhället i stort. Även om majoriteten av \
befolkningen i Sverige upplever ett gott psykiskt välbefinnande ökar den självskattade \
psykiska ohälsan likväl som psykiatriska diagnoser. Det är vanligt med lätta psykiska \
besvär, som oro, stress och sömnbesvär, inte minst bland barn och unga, något som visar sig \
bland annat i Stockholmsenkätens resultat 2022. Psykisk ohälsa är idag den vanligaste \
orsaken till sjukfrånvaro, och det högsta suicidtalet återfinns bland män över 85 år.

Under 2023 presenterade Folkhälsomyndigheten och Socialstyrelsen, tillsammans med 24 andra \
myndigheter, ett förslag till ny strategi för psykisk hälsa och suicidprevention. Strategin \
fokuserar både på nuvarande och kommande generationers psykiska hälsa och belyser behovet av \
att skapa socialt hållbara samhällsstrukturer.

SKR och regeringen enades i december 2023 om en ny överenskommelse: ”Insatser inom området \
psykisk hälsa och suicidprevention 2024”.

Överenskommelserna för god och nära vård och för psykisk hälsa och suicidprevention har \
gemensamma målbilder:
- ett proaktivt hälsoarbete
- förstärkt samverkan mellan kommun, region och civilsamhälle
- primärvårdens centrala roll
- förstärkt brukarinflytande och personcentrering.

Under 2023 har socialförvaltningen tillsammans med äldreförvaltningen, \
utbildningsförvaltningen och förskoleförvaltningen tagit fram en gemensam handlingsplan och \
målbild för stadens arbete med god och nära vård och omsorg. Beslut om handlingsplanen är \
planerade att tas i berörda nämnder i mars 2024.""",
    "matter": """\
I detta tjänsteutlåtande redogörs översiktligt för hur stimulansmedel inom ramen för Uppdrag \
Psykisk Hälsa fördelats över staden år 2023. Vidare föreslås att socialdirektören får \
delegation att fördela 2024 års medel.

Inför fördelningen 2024 görs en helhetsbedömning utifrån prioriterade områden, med hänsyn \
till stadens utmaningar som faller inom ramen för överenskommelsens syfte. Samordning sker \
även med andra statsbidrag samt budgetmedel som har betydelse för området psykisk hälsa. \
Syftet är att nå ut brett till verksamheter över hela staden som innefattar alla \
åldersgrupper.""",
    "reporting_intro": """\
Den statliga överenskommelsen 2023 hade samma inriktning som överenskommelsen för \
2021–2022. Stimulansmedel tilldelades kommuner och regioner utifrån befolkningsunderlag \
inom ett antal prioriterade områden, varav fem berör kommunerna.""",
    "reporting_text": """\
Ambitionen var att nå ut brett, till verksamheter som arbetar för målgrupper i alla åldrar, \
från främjande och förebyggande till insatser som berör målgrupper med olika grad av \
psykisk ohälsa. Socialförvaltningen har redovisat hur staden har använt stimulansmedlen till \
Socialstyrelsen, som tillsammans med Folkhälsomyndigheten har i uppdrag att följa, \
utvärdera och stödja de insatser som genomförs inom ramen för överenskommelserna.

En svårighet med överenskommelserna är att de är ettåriga. Kortsiktigheten bidrar till en \
något ryckig styrning. I överenskommelsen står inget om att det går att överföra medel från \
ett år till ett annat, det blir därför upp till kommunerna att fastställa. Stadens revisorer \
har bestämt att medlen inte går att periodisera till nästkommande år.""",
    "examples_intro": """\
Nedan följer exempel på satsningar som genomförts, fördelat på de olika prioriterade \
områden som nämnts ovan.""",
    "next_agreement_text": """\
Den 21 december 2023 beslutade staten och SKR om en ny överenskommelse, Insatser inom \
området psykisk hälsa och suicidprevention 2024. Parterna har varit överens om att det \
långsiktiga utvecklingsarbetet behöver fortsätta och har slutit en överenskommelse med i \
stort sett samma inriktning som tidigare år. Dock omfattar överenskommelsen mindre \
stimulansmedel än förra året, fördelningen av medel är förändrad och den andel som \
tillfaller kommuner är mindre än förut. En viktig utgångspunkt är att primärvården ska vara \
första ingång vid psykisk ohälsa.

I 2024 års överenskommelse ska arbetet med behovsanalyser, handlingsplaner och uppföljning \
integreras i det övergripande arbetet inom alla prioriterade områden. Det innebär att medel \
för fortsatt utvecklingsarbete tagits bort. Området för barn och unga, som tidigare innebar \
öronmärkta medel till ungdomsmottagningar, har ändrats till utvecklat arbete för att främja \
psykisk hälsa, förebygga psykisk ohälsa och suicid bland barn och unga. Det omfattar \
ungdomsmottagningar, och det står kommunerna fritt att besluta hur de vill fördela medlen \
inom området.""",
    "equality": """\
I en studie från Centrum för epidemiologi och samhällsmedicin (CES) framkommer att unga män \
och kvinnor (16–24 år) i Stockholms län är den grupp där störst andel rapporterar psykiska \
besvär. Den psykiska ohälsan ökar framför allt bland flickor och yngre kvinnor. \
Stockholmsenkäten 2022 visar på en ökning av psykisk ohälsa över tid för samtliga elever men \
särskilt tydlig är den för flickor i årskurs 9.

Samtidigt som kvinnor rapporterar en sämre psykisk hälsa dör fler män än kvinnor i suicid. \
Drygt 70 procent av dem som tar sitt liv är män, och de söker i lägre grad än kvinnor vård \
för sina symtom.

Det finns sociala skillnader i förekomsten av psykisk hälsa i alla åldersgrupper utifrån \
både socioekonomisk ställning och diskrimineringsgrunder. Förekomsten av psykiska besvär är \
högre bland till exempel homo- och bisexuella, mottagare av ekonomiskt bistånd, arbetslösa \
unga vuxna, ensamstående föräldrar och personer med utländsk bakgrund. Personer med \
funktionsnedsättning är också särskilt utsatta.

För att nå en jämställd och jämlik psykisk hälsa behövs breda förebyggande och riktade \
målgruppsspecifika insatser som alla inkluderar ett jämställdhetsperspektiv samt en \
medvetenhet om hur normer och livsvillkor kan påverka den psykiska hälsan.""",
    "child_rights": """\
Barn har enligt barnkonventionen rätt till liv och utveckling samt rätt till bästa möjliga \
hälsa, stöd, vård och behandling. Uppväxtvillkor och det psykiska måendet under barndomen \
påverkar den psykiska hälsan som vuxen. Denna kunskap är viktig att ta hänsyn till i \
fördelningen av medel inom Uppdrag Psykisk Hälsa, så att pengar fördelas dels till \
satsningar som direkt påverkar barn, dels till insatser som indirekt påverkar barn, genom \
till exempel utökad föräldrarådgivning och utvecklingsarbete som riktar sig till \
verksamheter och vuxna i barns närmiljö.

Barn har rätt till utbildning och en kostnadsfri skolgång. Skolan lyfts allt oftare som en \
viktig skyddsfaktor för barns positiva utveckling, och förskole- och \
utbildningsförvaltningen är viktiga aktörer för att stärka den psykiska hälsan bland unga.""",
    # invented: the seed dates these meetings in March 2023, evidently meaning 2024.
    "preparation": """\
Ärendet har beretts inom avdelningen för strategi och utveckling. Ärendet har behandlats i \
förvaltningsgrupp den 13 mars 2024. Rådet för funktionshinderfrågor har haft möjlighet att \
behandla ärendet den 14 mars 2024.""",
    "opinion": """\
Socialförvaltningen delar den bild som ligger till grund för den överenskommelse som staten \
och SKR enats om gällande insatser inom området psykisk hälsa och suicidprevention för 2024. \
Det långsiktiga utvecklingsarbete som bedrivits inom området behöver fortsätta.

Under de närmaste åren kommer stora omställningar i hälso- och sjukvården och omsorgen som \
påverkar området, bland annat utvecklingen av en god och nära vård med primärvården som nav \
och en hållbar, förebyggande och mer tillgänglig socialtjänst.

Med hänsyn till minskningen av medel anser socialförvaltningen att det är lämpligt att inför \
årets fördelning göra en helhetsbedömning utifrån stadens utmaningar. Förslaget är att
- prioritera pågående insatser, till exempel för att bibehålla befintlig bemanning
- samordna med andra statsbidrag och budgetmedel som har betydelse för området psykisk hälsa
- fortsatt fördela medlen brett över hela staden och till alla åldersgrupper, till stadsdels- \
och fackförvaltningar samt organisationer inom civilsamhället som kompletterar stadens egna \
verksamheter.""",
}


@dataclass(frozen=True)
class DecisionDemoSummary:
    created: bool
    document: DecisionDocument


def decision_demo_load() -> DecisionDemoSummary:
    """Create the demo's 2023 tjänsteutlåtande unless the year already has one.

    Raises DemoDataError when the funds demo (funds.demo.demo_load) has not been loaded.
    """
    if set(PROSE) != set(PROSE_FIELDS):
        raise DemoDataError("Demotexterna täcker inte alla avsnitt i tjänsteutlåtandet.")
    for name, text in PROSE.items():
        try:
            validate_no_amounts(text)
        except ValidationError as error:
            raise DemoDataError(f"Demotexten {name}: {error.messages[0]}") from error
    agreement = (
        Agreement.objects.select_related("organisation")
        .filter(organisation__code=ORGANISATION["code"], year=YEAR)
        .first()
    )
    if agreement is None:
        raise DemoDataError(
            f"Överenskommelsen {YEAR} för {ORGANISATION['name']} saknas: kör load_demo först."
        )
    with transaction.atomic():
        existing = (
            DecisionDocument.objects.filter(organisation=agreement.organisation, year=YEAR)
            .order_by("-version")
            .first()
        )
        if existing is not None:
            return DecisionDemoSummary(created=False, document=existing)
        document = DecisionDocument(
            organisation=agreement.organisation, year=YEAR, version=1, **META, **PROSE
        )
        document.full_clean()
        document.save()
        # The seed's named insatser serve as examples, not the demo's summary rows.
        document.example_interventions.set(
            Intervention.objects.filter(
                follow_up__allocation__priority_area__agreement=agreement
            ).exclude(name__startswith=ONGOING_PREFIX)
        )
    return DecisionDemoSummary(created=True, document=document)
