"""Soft hyphens in long compound words: where they go, and that the text stays escaped."""

from funds.templatetags.words import SOFT_HYPHEN, soft_hyphens


def test_it_marks_the_join_of_a_compound():
    hyphen = SOFT_HYPHEN
    assert soft_hyphens("Arbetsmarknadsförvaltningen") == f"Arbetsmarknads{hyphen}förvaltningen"
    assert soft_hyphens("Bromma stadsdelsförvaltning") == f"Bromma stadsdels{hyphen}förvaltning"


def test_it_leaves_a_word_that_is_only_the_head_alone():
    assert soft_hyphens("Förvaltningen") == "Förvaltningen"
    assert soft_hyphens("Socialförvaltningen") == "Socialförvaltningen".replace(
        "förv", f"{SOFT_HYPHEN}förv"
    )


def test_it_escapes_what_it_is_given():
    assert soft_hyphens("<b>Kulturförvaltningen</b>").startswith("&lt;b&gt;Kultur")
