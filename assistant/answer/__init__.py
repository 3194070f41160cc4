"""Answerers: Answerer(question, passages) -> Answer. The extractive default quotes the sentences that answer the
question; it prefers sentences holding the kind of value asked and refuses when no passage supports an answer.

The stages, one module each (the LLM readers in assistant/llm.py share them):

- `question`: what is asked (kind of value, terms, measure, periods, places) -> QuestionInfo
- `values`: what a sentence holds (figures with units, dates, names, bylines, enumerations)
- `scoring`: how well a sentence matches the question (coverage, measure match) -> Candidate
- `eligibility`: whether a sentence may answer at all (year, place, period, target vs result, scope)
- `compose`: the answer text from quoted spans, numbered citations, the refusal
- `extractive`: the reader that puts them together (ExtractiveAnswerer)
"""

from assistant.answer.compose import citation, cite_span, compose, refusal
from assistant.answer.eligibility import eligible, in_scope, is_plan, supported
from assistant.answer.extractive import Answerer, ExtractiveAnswerer, idf_from_library
from assistant.answer.parts import split_question
from assistant.answer.question import QuestionInfo, analyse, periods_in
from assistant.answer.scoring import (
    Candidate,
    abbreviation_match,
    coverage,
    measure_match,
    term_match,
    value_near_terms,
)
from assistant.answer.values import SENTENCE, holds_value, persons_in

__all__ = [
    "SENTENCE",
    "Answerer",
    "Candidate",
    "ExtractiveAnswerer",
    "QuestionInfo",
    "abbreviation_match",
    "analyse",
    "citation",
    "cite_span",
    "compose",
    "coverage",
    "eligible",
    "holds_value",
    "idf_from_library",
    "in_scope",
    "is_plan",
    "measure_match",
    "periods_in",
    "persons_in",
    "refusal",
    "split_question",
    "supported",
    "term_match",
    "value_near_terms",
]
