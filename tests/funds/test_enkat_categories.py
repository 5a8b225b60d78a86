"""The enkät categories file against the questions and options seed 003 names (issue 24)."""

import tomllib

import pytest

from funds.models import Intervention, SurveyCategory
from funds.national.loader import DATA_DIR, reference_data_load
from tests import factories as f

# Every option seed 003 (Lägesrapport 2025) names, by question group, with the seed's words
# that name it. The file may hold more (DOMAIN.md's list), never fewer.
SEED_003 = {
    "activity_type": {
        "Kompetensutveckling": "kompetensutveckling … den vanligaste typen av insats",
        "Implementering och utveckling av arbetssätt och metoder": (
            "implementering och utveckling av arbetssätt och metoder är en vanlig aktivitet"
        ),
        "Samverkan": "renodlade insatser kring samverkan och kompetensutveckling",
        "Information och kommunikation": "Informationsinsatser riktas både brett",
        "Patientsäkerhetsarbete": "handlar om patientsäkerhetsarbete",
        "Systematisk uppföljning": "eller systematisk uppföljning",
        "Brottsförebyggande arbete": "olika typer av brottsförebyggande arbete",
        "Samordnarfunktion": "suicidpreventiva samordnare",
        "Stöd till efterlevande": "men även stöd till efterlevande",
        "Begränsa tillgången till medel och metoder för suicid": (
            "begränsa tillgången till medel och metoder för suicid"
        ),
    },
    "goal": {
        "Ökad vård- och omsorgskvalitet": "När det gäller ökad vård- och omsorgskvalitet",
        "Ökad tillgänglighet": "När det gäller ökad tillgänglighet",
        "Förbättrade förutsättningar": "de vanligaste målen … förbättrade förutsättningar",
        "Mindre risker": "och mindre risker",
        "Tidigare identifikation": "handlar främst om tidigare identifikation",
        "Riskminskning": "samt riskminskning",
        "Ökad kompetens, kunskap och förståelse": (
            "ett lika vanligt mål som ökad kompetens, kunskap och förståelse"
        ),
    },
    "effect": {
        "Ökad vård- och omsorgskvalitet": "direkt kopplade till ökad vård- och omsorgskvalitet",
        "Ökad kompetens, kunskap och förståelse": "samt ökad kompetens, kunskap och förståelse",
        "Ökad tillgänglighet": "effekt kopplad till ökad tillgänglighet",
    },
    "perspective": {
        "Jämställdhet": "DOMAIN.md: jämställdhet",
        "Jämlikhet": "issue 24; seed 004: Jämställdhets- och jämlikhetsperspektiv",
        "Barnrätt": "DOMAIN.md: barnrätt",
    },
    "involvement": {
        "Patient-, brukar- och anhörigorganisationer": (
            "Patient-, brukar- och anhörigorganisationer samt enskilda har involverats"
        ),
        "Enskilda personer": "samt enskilda har involverats",
    },
    "responsible_unit": {
        "Ungdomsmottagning": "där ungdomsmottagningar varit ansvarig verksamhet",
    },
    "target_group": {
        "Personal och verksamheter": "DOMAIN.md: personal och verksamheter",
    },
}


def _file() -> dict:
    return tomllib.loads((DATA_DIR / "categories.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("group", sorted(SEED_003))
def test_every_option_the_seed_names_is_in_the_file(group):
    options = _file()["groups"][group]["options"]
    missing = [label for label in SEED_003[group] if label not in options]
    assert missing == []
    assert len(options) == len(set(options))


def test_the_paraphrased_effect_is_renamed_to_the_seeds_words():
    renamed = _file()["renamed"]["effect"]
    assert renamed == {"Ökad kunskap hos personal": "Ökad kompetens, kunskap och förståelse"}
    assert "Ökad kunskap hos personal" not in _file()["groups"]["effect"]["options"]


@pytest.mark.django_db
def test_an_insats_that_chose_the_old_effect_keeps_its_answer():
    new = SurveyCategory.objects.get(
        year=2023, group="effect", label="Ökad kompetens, kunskap och förståelse"
    )
    new.label = "Ökad kunskap hos personal"  # as the earlier release loaded it
    new.save()
    org = f.organisation()
    area = f.area(f.agreement(org, 2023), "100.00")
    follow_up = f.follow_up(f.allocation(area, f.recipient(org), "100.00"), "100.00")
    insats = Intervention.objects.create(follow_up=follow_up, name="Insats", amount_spent=100)
    insats.categories.add(new)

    reference_data_load()

    assert list(insats.categories.values_list("pk", "label")) == [
        (new.pk, "Ökad kompetens, kunskap och förståelse")
    ]
    assert SurveyCategory.objects.filter(year=2023, group="effect").count() == len(
        _file()["groups"]["effect"]["options"]
    )
