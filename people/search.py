"""Name matching for search before create: partial, case- and accent-insensitive,
tolerant of small typos, on SQLite and PostgreSQL alike.

Each person stores normalised name tokens and a phonetic key per token (rebuilt by
the services on every write). A search token matches a stored token when one starts
with the other, when their phonetic keys agree ("Jon"/"John", "Smyth"/"Smith"), or,
after candidates are fetched, when they are one or two edits apart. Candidates are
fetched by the database; the closeness score is computed here on that short list.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable

import jellyfish

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation: 'Zoë O'Neill' -> 'zoe oneill'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = ascii_only.replace("'", "").replace("\u2019", "")
    return _NON_ALNUM.sub(" ", ascii_only.lower()).strip()


def tokens(*parts: str) -> list[str]:
    seen: list[str] = []
    for part in parts:
        for token in fold(part).split():
            if token not in seen:
                seen.append(token)
    return seen


def phonetic(token: str) -> str:
    return jellyfish.metaphone(token) if token else ""


def name_keys(names: Iterable[str]) -> tuple[str, str]:
    """The stored search keys: ' tok1 tok2 ' and ' KEY1 KEY2 ' (spaces bound each token)."""
    toks = tokens(*names)
    keys = []
    for tok in toks:
        key = phonetic(tok)
        if key and key not in keys:
            keys.append(key)
    return f" {' '.join(toks)} ", f" {' '.join(keys)} "


def normalise_postcode(postcode: str) -> str:
    return re.sub(r"\s+", "", (postcode or "").upper())


def person_search_keys(
    person, other_names: Iterable, addresses: Iterable, *, is_confidential: Callable[[object], bool]
) -> tuple[str, str, str]:
    """The three keys stored on a person for search before create: name tokens, their phonetic
    keys, and the postcodes they can be found by (' HD11AA HD22BB ', or '').

    The one builder of these keys: people.services stores them on every write, and anything
    that writes people in bulk (the demo) must call this too. ``other_names`` are the person's
    PersonName rows, ``addresses`` their Address rows, past and current.
    ``is_confidential(address)`` must answer as ``people.selectors.confidential_address_ids``
    does: an address is confidential if ANY link to it is flagged (anyone's, or a
    household's), so a refuge marked confidential for the mother is not findable through
    her child's record, and such an address is left out.
    """
    names = [person.first_name, person.middle_names, person.last_name, person.preferred_name]
    for other in other_names:
        names.extend([other.first_name, other.last_name])
    search_names, search_phonetic = name_keys(names)
    postcodes = sorted(
        {
            normalise_postcode(address.postcode)
            for address in addresses
            if not is_confidential(address)
        }
    )
    return search_names, search_phonetic, f" {' '.join(postcodes)} " if postcodes else ""


def token_score(query_token: str, candidate_tokens: list[str]) -> float:
    """How well one typed token matches the best of a person's name tokens (0..1)."""
    best = 0.0
    for cand in candidate_tokens:
        if cand == query_token:
            return 1.0
        if cand.startswith(query_token):
            best = max(best, 0.95)
            continue
        if phonetic(cand) == phonetic(query_token):
            best = max(best, 0.9)
        distance = jellyfish.damerau_levenshtein_distance(query_token, cand)
        allowed = 1 if len(query_token) <= 4 else 2
        if distance <= allowed:
            best = max(best, 0.85 - 0.05 * distance)
        best = max(best, jellyfish.jaro_winkler_similarity(query_token, cand) * 0.8)
    return best


def name_score(query: str, stored_names: str) -> float:
    """Mean best-token score over the typed tokens; 0 if any typed token has no plausible match."""
    query_tokens = tokens(query)
    if not query_tokens:
        return 1.0
    candidate_tokens = stored_names.split()
    scores = [token_score(t, candidate_tokens) for t in query_tokens]
    if min(scores) < 0.7:
        return 0.0
    return sum(scores) / len(scores)
