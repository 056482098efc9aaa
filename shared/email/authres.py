"""Authentication-Results (RFC 8601) read the way the grammar says, not by splitting on ";".

A single left-to-right scan, no recursion, no backtracking: quoted strings (with `\\` escapes) are one
value whatever they contain, comments nest and are dropped, and only the first `method=result` of a
`;`-separated clause starts a result, so text inside a quoted local part or a comment can never add a
"dmarc=pass". SES writes some properties in clauses of their own (`; envelope-from=a@b.example; helo=…`):
a clause whose key is not a method and has no `ptype.` prefix belongs to the result before it.

The `authres` package on PyPI was considered: it rejects the header SES actually writes (SyntaxError on
those property-only clauses), recurses on nested comments (RecursionError on a few thousand "("), and
has had no release since 2019, so this module reads the header itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Methods registered with IANA for Authentication-Results; only these start a result.
METHODS = frozenset(
    {
        *("arc", "auth", "bimi", "dkim", "dkim-adsp", "dkim-atps", "dmarc", "domainkeys", "iprev"),
        *("rrvs", "sender-id", "smime", "spf", "vbr"),
    }
)
MAX_HEADER_CHARS = 16_000
_SPECIALS = frozenset(';="()')


@dataclass(frozen=True)
class Result:
    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthenticationResults:
    authserv_id: str | None
    results: tuple[Result, ...] = ()

    def of(self, method: str) -> tuple[Result, ...]:
        return tuple(result for result in self.results if result.method == method)


def _tokens(value: str) -> list[tuple[str, str]]:
    """("atom" | "quoted" | ";" | "=", text) in order; comments and whitespace are dropped."""
    tokens: list[tuple[str, str]] = []
    index, length = 0, len(value)
    while index < length:
        char = value[index]
        if char.isspace():
            index += 1
        elif char == "(":
            depth = 0
            while index < length:  # a comment runs to its matching ")" (or the end when unbalanced)
                char = value[index]
                if char == "\\":
                    index += 1
                elif char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                    if depth == 0:
                        break
                index += 1
            index += 1
        elif char == '"':
            index += 1
            chunk: list[str] = []
            while index < length and value[index] != '"':
                if value[index] == "\\" and index + 1 < length:
                    index += 1
                chunk.append(value[index])
                index += 1
            tokens.append(("quoted", "".join(chunk)))
            index += 1
        elif char in ";=":
            tokens.append((char, char))
            index += 1
        elif char == ")":
            index += 1  # a stray closing parenthesis is not text either
        else:
            start = index
            while index < length and not value[index].isspace() and value[index] not in _SPECIALS:
                index += 1
            tokens.append(("atom", value[start:index]))
    return tokens


def _clauses(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    clauses: list[list[tuple[str, str]]] = [[]]
    for kind, text in tokens:
        if kind == ";":
            clauses.append([])
        else:
            clauses[-1].append((kind, text))
    return clauses


def _pairs(clause: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`key=value` pairs of one clause; a key is an atom, a value an atom or a quoted string."""
    pairs: list[tuple[str, str]] = []
    for index in range(len(clause) - 2):
        (key_kind, key), (equals, _), (value_kind, value) = clause[index : index + 3]
        is_pair = key_kind == "atom" and equals == "=" and value_kind in ("atom", "quoted")
        if is_pair and not (index >= 2 and clause[index - 1][0] == "="):  # a value is never also a key
            pairs.append((key.lower(), value))
    return pairs


def parse(value: str) -> AuthenticationResults:
    """One header value (unfolded). Never raises; what does not follow the grammar is left out."""
    clauses = _clauses(_tokens(value[:MAX_HEADER_CHARS]))
    head = [text for kind, text in clauses[0] if kind == "atom"]
    authserv_id = head[0].lower() if head else None
    results: list[Result] = []
    for clause in clauses[1:]:
        pairs = _pairs(clause)
        if not pairs:
            continue
        (key, value_), rest = pairs[0], pairs[1:]
        method = key.partition("/")[0]
        if method in METHODS:
            properties = {name: val for name, val in rest if "." in name}
            results.append(Result(method=method, result=value_.lower(), properties=properties))
        elif results and "." not in key:
            # SES's own layout: `; envelope-from=…; helo=…` after the result they describe.
            results[-1].properties.setdefault(key, value_)
    return AuthenticationResults(authserv_id=authserv_id, results=tuple(results))
