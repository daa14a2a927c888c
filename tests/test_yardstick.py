"""The PII benchmark's test split is a clean yardstick: frozen, and sharing no phrase with the detector it measures.

A cue, an example or a quoted sentence in ``llm_assets/core/anonymization/`` that also stands in a test template would
let the detector grade itself on what it was written from (``benchmarks/pii_dev/yardstick.py`` says how phrases are
read)."""

from benchmarks.pii_dev.dataset import all_templates
from benchmarks.pii_dev.yardstick import detector_phrases, frozen_test_templates, template_id, template_matches


def test_the_frozen_test_templates_are_all_still_there():
    frozen = frozen_test_templates()
    present = {template_id(t) for t in all_templates()}
    assert len(frozen) == 43
    assert frozen <= present, "a frozen test template changed or vanished: the test split is no longer the same"


def test_no_phrase_of_the_detector_stands_in_a_test_template():
    frozen = frozen_test_templates()
    test = [t for t in all_templates() if template_id(t) in frozen]
    phrases = detector_phrases()
    assert len(phrases) > 1000  # the reader does see the detector's cues
    matches = template_matches(test, phrases)
    assert not matches, {t[:60]: [(p, phrases[p]) for p in found] for t, found in matches.items()}


def test_the_phrase_reader_finds_a_planted_cue():
    phrases = detector_phrases()
    cue = sorted(p for p in phrases if len(p.split()) == 3)[0]
    template = f"Hello {{{{name}}}}, {cue.capitalize()} {{{{address}}}}."
    assert cue in template_matches([template], phrases)[template]
    assert not template_matches(["Zyx {{name}} qwv."], phrases)
