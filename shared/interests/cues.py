"""The words around a lexicon form that tell a pastime from a work sense, read from data/cues.toml."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from shared.interests.lexicon import DATA, LANGUAGES
from shared.interests.tokens import PhraseTrie, Token, phrase_key


@dataclass(frozen=True)
class CueList:
    """One list of cues: single words as a set (for the word next to a form), phrases as a trie (anywhere)."""

    words: frozenset[str]
    phrases: PhraseTrie[bool]

    def has_word(self, token: Token | None) -> bool:
        return token is not None and token.key in self.words

    def found_in(self, tokens: Sequence[Token]) -> bool:
        return any(True for _ in self.phrases.scan(tokens, whole_words=False))


def _cue_list(entry: dict[str, object], *, key_names: Sequence[str] = LANGUAGES) -> CueList:
    phrases: PhraseTrie[bool] = PhraseTrie()
    words: set[str] = set()
    for language in key_names:
        value = entry.get(language, "")
        if not isinstance(value, str):
            raise TypeError(f"cue list {language!r} must be a comma-separated string")
        for phrase in (part.strip() for part in value.split(",")):
            if not phrase:
                continue
            phrases.add(phrase, True)
            key = phrase_key(phrase)
            if len(key) == 1:
                words.add(key[0])
    return CueList(frozenset(words), phrases)


with (DATA / "cues.toml").open("rb") as _file:
    _RAW: Final = tomllib.load(_file)
_CUES: Final = {name: _cue_list(entry) for name, entry in _RAW.items() if name != "examples"}
HOBBY: Final = _CUES["hobby"]
HOBBY_ADJECTIVES: Final = _CUES["hobby_adjectives"]
CAUSE: Final = _CUES["cause"]
WORK_NOUNS: Final = _CUES["work_nouns"]
WEAK_WORK_NOUNS: Final = _CUES["weak_work_nouns"]
VERB_OBJECTS: Final = _CUES["verb_objects"]
OBJECT_AFTER_VERB: Final = _CUES["object_after_verb"]
CLAUSE_JOINERS: Final = _CUES["clause_joiners"]
BLOCKING_BEFORE: Final = _CUES["blocking_before"]
IDIOMS: Final = _CUES["idioms"]
EMPLOYER_BEFORE: Final = _CUES["employer_before"]
NAMED_EVENTS: Final = _CUES["named_events"]
WORK_BEFORE: Final = _CUES["work_before"]
JOB_TITLE_BEFORE: Final = _CUES["job_title_before"]
JOB_TITLE_AFTER: Final = _CUES["job_title_after"]
WORK_CONTEXT: Final = _CUES["work_context"]
INVITATION_BEFORE: Final = _CUES["invitation_before"]
CAREER_HISTORY: Final = _CUES["career_history"]
RECENT: Final = _CUES["recent"]
# Drinks that are usually an invitation when a cue word comes before them.
INVITATION_TOPICS: Final = frozenset(
    topic.strip() for topic in str(_RAW["invitation_before"]["topics"]).split(",") if topic.strip()
)
