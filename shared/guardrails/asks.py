"""Ask detection: does a message request anything of its recipient?

A catalogue of ask patterns, grouped by kind, each kind with its own plain-English
explanation. Patterns need a *request frame* ("would love a quick call", "any tips would
be appreciated", "could you send…"), so the bare nouns of a friendly message ("thanks for
the chat at PyCon", "your advice on pacing stuck with me") and curiosity questions about a
hobby ("what was your favourite rifugio?") do not match.

Decisions worth knowing:

- Negation is clause-aware: "I won't ask for a coffee chat" and "no need to reply" pass,
  but "no pressure, but would you be open to a call?" fails, because the negator sits in an
  earlier clause. Hedges that only look negative ("not sure if you're hiring", "why don't we
  grab a coffee", "I won't take more than 10 minutes of your time") do not negate.
- Open-door lines ("feel free to reach out", "don't hesitate to get in touch") are not asks:
  they grant permission and expect nothing. Bare imperatives that expect an answer ("let me
  know", "drop me a line", "ping me") are pressure to reply.
- Offers stated as offers pass ("happy to send the checklist if it's ever useful"); offers
  turned into questions ("would you like me to send it?") fail, since they need an answer.
- Proposing a call, meeting or coffee is an ask even when framed as an offer ("happy to hop
  on a call"): it spends the recipient's time. "I'd love to connect" alone is not: on
  LinkedIn the note *is* the connection request.
- Stating one's own search is the pitch, not an ask ("I'm looking for roles in data
  engineering"); tying it to the recipient is ("if you hear of any openings", "is your team
  hiring?", "I'm looking for a referral").

Text is matched case-insensitively after mapping curly quotes to straight ones (a
length-preserving mapping, so offsets point into the caller's text). Word gaps match any
whitespace, line breaks included. Every pattern is compiled once and uses only bounded
repetition, so matching is linear in the message length. The combined catalogue is compiled
on first use, not at import: parsing it takes ~0.2 s, which code paths that never check an
ask (the web page, history) should not pay at cold start.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, cached_property

from shared.models import Rule, Violation

# Same length in and out: offsets found in the mapped text are offsets into the original.
_STRAIGHT_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "“": '"', "”": '"', "„": '"'})


def _pattern(*alternatives: str) -> str:
    """One alternation; a literal space in a pattern means 'any whitespace, line breaks included'."""
    return "(?:" + "|".join(alternatives) + ")"


_FLAGS = re.IGNORECASE | re.MULTILINE


def _bounded(source: str) -> str:
    return rf"(?<![\w'])(?:{source})(?!\w)"


@dataclass(frozen=True)
class AskKind:
    """One family of asks: what it asks for, and every phrasing we catch."""

    name: str
    explanation: str
    source: str

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """This kind alone; find_asks itself runs one combined pattern."""
        return re.compile(_bounded(self.source), _FLAGS)


def _kind(name: str, explanation: str, *alternatives: str) -> AskKind:
    return AskKind(name, explanation, _pattern(*alternatives).replace(" ", r"\s+"))


# --- shared fragments ------------------------------------------------------------------
_SENTENCE_START = r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\"\s)|(?<=\n)|(?<=,\s)|(?<=—\s))"
# "I'd love to", "would really like to", "I would be keen to": a wish aimed at the recipient.
_WISH = (
    r"(?:(?:i|we)(?:'d| would)|would)(?: (?:really|also|so|absolutely|genuinely|truly|just|still|definitely|very much))?"
    r" (?:love|like|appreciate|welcome|enjoy|value|be (?:keen|eager|glad|happy|thrilled|delighted|excited|grateful|honou?red"
    r"|interested|curious))(?: (?:the|an?) (?:chance|opportunity))? to"
)
_KEEN = (
    r"(?:(?:keen|eager|hoping|hope|excited|dying|itching|want|wanted|wanting|curious)(?: (?:very much|so much))?"
    r" to|(?:^|(?<=[.!?]\s)|(?<=\n))love to)"
)
_ASKER = rf"(?:{_WISH}|{_KEEN})"
_YOU_MODAL = r"(?:could|would|can|will|might)(?:n't)? you"
_ADVERBS = (
    r"(?: (?:please|kindly|possibly|perhaps|maybe|ever|also|just|still|actually|even|by any chance|at some point|sometime)){0,3}"
)
_NUMBER = (
    r"(?:\d{1,3}|one|two|three|five|ten|fifteen|twenty|thirty|forty-five|a few|few|a couple(?: of)?|couple(?: of)?|a spare|spare)"
)
_MINUTES = rf"{_NUMBER}(?: |-)(?:(?:quick|short|spare|free) )?(?:minutes?|mins?)"
_MEETING_NOUN = (
    r"(?:coffee chat|virtual coffee|coffee|tea|beer|drinks?|lunch|breakfast|brunch|dinner|video call|phone call|zoom call|zoom"
    r"|teams call|call|chat|meeting|meet(?:-| )?up|catch(?:-| )?up|conversation|sit(?:-| )?down|face(?:-| )?to(?:-| )?face|1:1"
    r"|one(?:-| )on(?:-| )one)"
)
_MEETING_SIZE = (
    r"(?:(?:quick|short|brief|virtual|online|proper|casual|informal|little|real|friendly|\d{1,2}(?:-| )min(?:ute)?s?) ){0,2}"
)
_ACTIVITY = r"(?:hike|run|ride|climb|walk|paddle|swim|surf|round|game|session)"
_DOCUMENT = (
    r"(?:cv|c\.v\.|resume|résumé|portfolio|work|profile|linkedin(?: profile)?|project|side project|deck|pitch deck|draft|proposal"
    r"|essay|paper|code|repo|repository|github|website|site|blog|article|post|application|cover letter|pitch|idea|startup|product"
    r"|app|thesis|writing|design|case study|business plan|plan|book|manuscript)"
)
_JOB_NOUN = r"(?:roles?|openings?|positions?|vacanc(?:y|ies)|opportunit(?:y|ies)|jobs?|spots?|headcount|internships?)"
_TEAM = r"(?:team|company|org|organi[sz]ation|group|department|startup|firm|lab|company's team)"
_ADVICE_NOUN = (
    r"(?:advice|tips?|pointers?|guidance|insights?|thoughts|input|wisdom|perspective|take|opinion|views?|two cents|2 cents"
    r"|counsel|recommendations?|suggestions?|expertise|know-how|feedback|ideas)"
)
# Verbs that ask the recipient to spend effort when "you" is their subject.
_EFFORT = (
    r"(?:send|share|forward|pass (?:along|on|it|them)|introduce|intro|connect me|connect us|put me (?:in touch|forward)|refer"
    r"|recommend (?:me|someone|anyone|a few|some|any)|endorse|vouch|review|proofread|critique|look (?:at|over|into|through)"
    r"|take (?:a|the|some) (?:look|peek|glance|moment|minute|few|chance|time)|have a (?:look|peek|glance)|glance (?:at|over)"
    r"|check out|read (?:my|through|over)|give (?:me|my|some|your|a|us|it)|offer (?:me|some|your|any)|tell me|let me know"
    r"|explain|walk me|show me|teach me|guide me|point me|advise|mentor|coach|help|spare"
    r"|find (?:the |some )?(?:time|a (?:time|moment|minute|slot))|make (?:time|an? (?:intro|introduction))|meet (?:me|up"
    r"|with me|for)"
    r"|hop on|jump on|get on (?:a|the) call|chat|talk|speak|call me|ring me|email|e-mail|message|text me|ping|reach out"
    r"|get back to me"
    r"|respond|reply|write (?:back|me|to me)|answer|consider(?! (?:the|it|that|this)\b)|keep me|schedule (?:a|an|some|time)"
    r"|book (?:a|an|some) (?:time|call|slot|meeting|chat)|set up (?:a|an|some|time)|arrange (?:a|an|some|time)|join (?:me|us)"
    r"|grab (?:a|some) (?:coffee|call|chat|time|lunch|drink)|nominate|sponsor|support me|hire|interview me|mention me"
    r"|put in a (?:good )?word|put my name|suggest (?:a time|someone|anyone|a contact|a few|some|any)|do me|ask (?:around"
    r"|your team"
    r"|if|whether|someone)|mind|be (?:able|open|willing|up for|available|interested|keen|happy|free|around|comfortable|ok|okay"
    r"|game|down))"
)

ASK_KINDS: tuple[AskKind, ...] = (
    _kind(
        "meeting",
        "asks for a meeting, call or coffee",
        rf"{_ASKER} (?:chat|talk|speak|meet|meet up|catch up|sync|hop on|jump on|get on|set up|schedule|arrange|sit down|discuss"
        rf"|buy you|treat you|take you (?:out|for)|join you|tag along|grab|find (?:a |some )?time"
        rf"|get (?:a |some )?(?:coffee|lunch|a drink|drinks|a beer|dinner|breakfast|together)"
        rf"|connect (?:over|on|via|by|for|in person|sometime|soon|properly|offline|further|one on one|1:1|live|irl)"
        rf"|(?:swap|compare|exchange|trade) (?:notes|stories|ideas|tips|war stories)"
        rf"|go (?:for|on) (?:a|an) {_ACTIVITY} (?:together|with you)|have (?:a|an) {_MEETING_SIZE}(?:chat|call|conversation"
        r"|coffee|talk|word|zoom|meeting))",
        r"(?:happy|glad|free|available|around) to (?:chat|talk|speak|meet|hop on|jump on|get on a call|catch up|sync"
        r"|set up a call|grab a coffee|have a call)",
        r"let(?:'s| us) (?:chat|talk|speak|meet|connect|catch up|grab|get (?:a|some|together|on)|set up|schedule|find|hop|jump"
        r"|sync|arrange|plan|book|go for|have (?:a|an|lunch|coffee)|do (?:a|an|lunch|coffee|drinks))",
        r"(?:could|can|shall|should|might|maybe) we (?:(?:perhaps|maybe|possibly|sometime) )?(?:chat|talk|speak|meet|hop on"
        r"|jump on|connect|grab|set up|schedule|find (?:a |some )?time|catch up|arrange|have (?:a|an))",
        r"(?:grab|buy you|treat you to|go for|meet for|meet over|catch up over|chat over|talk over|discuss (?:it |this "
        r"|that )?over|connect over|continue (?:this|the|our) conversation over|get together for) (?:(?:a|an"
        rf"|some) )?{_MEETING_SIZE}{_MEETING_NOUN}",
        rf"(?:get|do|book|grab) (?:a|an) {_MEETING_SIZE}(?:coffee chat|virtual coffee|coffee|beer|drink|lunch|video call"
        rf"|phone call|zoom(?: call)?|call|chat|catch(?:-| )?up|conversation)",
        r"(?:hop|jump|get) on (?:a|the|an) (?:(?:quick|short|brief|\d{1,2}(?:-| )min(?:ute)?) )?(?:call|zoom|phone|video|teams"
        r"|google meet|hangout)",
        rf"(?:set up|schedule|book|arrange|organi[sz]e|line up) (?:a|an|some|the) {_MEETING_SIZE}(?:time for a |intro )?"
        rf"(?:call|chat|meeting|zoom|coffee|catch(?:-| )?up|time|slot|session|conversation)",
        r"(?<!the\s)(?<!this\s)(?<!that\s)(?:coffee chat|virtual coffee|coffee|tea|beer|drinks?|lunch|breakfast|dinner|video call"
        r"|phone call|zoom call|zoom|call|chat|catch(?:-| )?up) (?:sometime|some time|soon|next time|next week|this week"
        r"|this month|next month|at some point|one day|when you|if you|in the (?:coming|next)|later this|whenever)",
        rf"(?:a|an) {_MEETING_SIZE}(?:coffee chat|virtual coffee|coffee|video call|phone call|zoom|call|chat|catch(?:-| )?up"
        rf"|meeting)(?: (?:sometime|soon|next week|this week))?\s*\?",
        rf"{_SENTENCE_START}(?:quick |virtual )?(?:coffee|call|chat|lunch|drinks?|zoom)(?: (?:next|this) (?:week|month)"
        r"| sometime| soon)?\s*\?",
        rf"(?:free|available|around|open|time) for (?:a|an|some|that) {_MEETING_SIZE}(?:{_MEETING_NOUN}|{_ACTIVITY})",
        r"open to (?:chatting|meeting|talking|speaking|hopping|jumping|grabbing|catching up|a call|a chat|a coffee|a conversation"
        r"|connecting (?:over|on|for|in))",
        r"meet(?:ing)? (?:up|in person|for (?:a|an|coffee|lunch|drinks|a drink|a beer)|virtually|irl)",
        r"meet you (?:in person|sometime|for|when|if|next|one day|at some point|irl)",
        r"(?:join me|join us) (?:for|on|at)|come along (?:on|for)|tag along",
        r"(?:coffee|lunch|beer|drinks?|the first round|first round)(?:'s| is| are) on me",
        r"(?:talk|chat) (?:more|further|properly|in person|offline)",
        rf"(?:a|an) {_MEETING_SIZE}{_MEETING_NOUN} (?:possible|an option|on the cards|doable|feasible)"
        r"|buy (?:you )?the (?:coffee|beer|drinks?|first round)",
        rf"{_SENTENCE_START}(?:a )?(?:quick|short|brief|virtual) (?:coffee|call|chat|zoom|catch(?:-| )?up)",
        r"(?:(?:i|we)(?:'d| would)|would)(?: (?:really|also|so|absolutely|genuinely|very much))? (?:love|like|welcome"
        rf"|appreciate|enjoy|value) (?:a|an|the chance (?:of|for) an?|some) {_MEETING_SIZE}{_MEETING_NOUN}",
        rf"(?:request|requesting|ask(?:ing)? (?:you )?for) (?:a|an) {_MEETING_SIZE}{_MEETING_NOUN}",
        rf"fancy (?:a|an|grabbing|getting|meeting|catching up)|(?:how|what) about (?:a|an) {_MEETING_SIZE}{_MEETING_NOUN}",
        r"(?:swap|compare|exchange|trade) (?:notes|stories|ideas|tips|war stories) over (?:(?:a|an"
        rf"|some) )?{_MEETING_SIZE}{_MEETING_NOUN}",
    ),
    _kind(
        "time",
        "asks for the recipient's time",
        rf"{_MINUTES} of your (?:time|day|week|perspective|advice|expertise|wisdom|thoughts|attention)",
        r"(?:work|works|suit|suits) for you\s*\?",
        rf"{_MINUTES} (?:on|over|via) (?:zoom|teams|a call|the phone|google meet|facetime|video)",
        r"(?:have|spare|find|give me|get|grab|borrow|steal|take|carve out|set aside|got) (?:(?:just|only|maybe"
        rf"|perhaps) )?{_MINUTES}",
        rf"{_MINUTES} (?:this week|next week|sometime|at some point|in the coming|for a|to chat|to talk|to (?:hop|jump) on)",
        rf"{_MINUTES}\s*\?",
        r"(?:some|any|a (?:bit|little|moment|minute|second|slice|sliver|few minutes)) of your (?:time|day|week|calendar)",
        r"(?:on|in|into|onto) your (?:calendar|diary|agenda)|your availability|your (?:calendar|diary) (?:looking|look|looks"
        r"|like|next|this|for|allow)|(?:around|fits?|suits?|into) your (?:schedule|calendar)",
        r"when (?:are|is|would|will) (?:you|it) (?:be )?(?:free|available|convenient|around)",
        r"(?:a )?good time (?:for you|to (?:chat|talk|call|connect|meet|speak|catch up|reach you))",
        r"what (?:time|day|days|times) (?:work|works|suit|suits|would work|would suit|is good|are good)",
        r"does (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|this week|tomorrow|the \d{1,2}(?:st|nd|rd"
        r"|th)?) (?:work|suit)",
        r"(?:are|would|will) you (?:be )?(?:free|available|around)(?: (?:next|this|on|for|to|sometime|later|tomorrow|any|in the"
        r"|at|monday|tuesday|wednesday|thursday|friday|weekend)|\s*\?)",
        r"(?:if|when|whenever) you(?:'re| are) (?:ever )?(?:free|available|around|in town|nearby|in the area)",
        r"calendly|calendar (?:link|invite)|booking link|(?:send|sent|sending) you (?:an? )?(?:calendar )?invite",
        r"(?:find|grab|pick|book) (?:a|some) (?:time|slot)|slot in your",
        r"(?:take|taking|took) (?:up )?(?:a (?:moment|minute|second|few minutes)|(?:a little|a bit|some|much|too much|little|any"
        r"|a lot) of) your (?:time|day)",
    ),
    _kind(
        "advice",
        "asks for advice, insight or the recipient's thoughts",
        r"pick(?:ing)? your brain|brain to pick|bounce (?:an idea|some ideas|a few ideas|ideas|something|a few things) off you"
        r"|run (?:something|an idea|a few ideas|my idea|my plan|this|it) (?:by|past) you",
        rf"{_ASKER} (?:get|hear|have|gather|ask for|seek) (?:(?:any|some|your|a bit of|a little of|a little|a few of) )?"
        rf"(?:(?:quick|brief|honest|candid|expert|professional|outside) )?{_ADVICE_NOUN}",
        r"(?:(?:i|we)(?:'d| would)|would)(?: really| also| so| genuinely| truly| very much)? (?:love|like|appreciate|value"
        r"|welcome"
        r"|be grateful for|treasure) (?:(?:any|some|your|a bit of|a little of|a little|a few of) )?(?:(?:quick|brief|honest"
        rf"|candid|expert|professional|outside) )?{_ADVICE_NOUN}",
        rf"(?:ask|asking|seek|seeking|hoping for|looking for|benefit from|tap into|tap) (?:you for )?(?:any|some|your|a bit of"
        rf"|a little|a few) (?:(?:quick|brief|honest|candid|expert|professional) )?{_ADVICE_NOUN}",
        r"(?:seek|seeking|ask(?:ing)? for|asking you for|ask you for) (?:advice|guidance|mentorship|feedback|input|pointers"
        r"|tips)",
        rf"(?:any|some) (?:(?:quick|brief|honest|candid|general) )?{_ADVICE_NOUN} (?:would|you(?: could| can| might| have|'d"
        r"| may)"
        rf"|for (?:me|someone|a newcomer|a beginner|how)|on (?:how|what|where|whether|breaking|getting|landing|moving|making|my)"
        rf"|about (?:how|what|where|whether|breaking|getting|landing|moving|making|my)|(?:are|is) (?:welcome|appreciated))",
        rf"{_SENTENCE_START}(?:(?:and|but|so|or) )?(?:any|some) (?:(?:quick|good|general) )?(?:advice|tips?|pointers?|thoughts"
        rf"|suggestions?|recommendations?|insights?|guidance|ideas|wisdom)[^.?!\n]{{0,80}}\?",
        rf"{_SENTENCE_START}(?:any )?thoughts\s*\?",
        r"your (?:advice|thoughts|input|take|perspective|insights?|opinion|views?|feedback|guidance|two cents|wisdom)"
        r" (?:would (?:be|mean|help)|'d (?:be|mean|help)|on my|about my|regarding my|on whether i|on how i|on what i)",
        r"what (?:advice|tips|pointers) (?:would|do|might|could) you|what would you (?:recommend|suggest|advise|do in my|do if)"
        r"|what (?:should|would) i (?:do|focus on|learn|read|study|prioriti[sz]e)",
        r"how (?:would|should|can|could|do|might) (?:i|someone like me|a person|one) (?:best )?(?:get (?:into|started|a foot)"
        r"|break (?:into|in)|land|move (?:into|to)|transition|start (?:out|in)|approach|prepare|apply|stand out|pivot"
        r"|position myself|go about)",
        r"what do you think\s*\?|(?:what you think|thoughts|your take|your view|your opinion) (?:of|about|on) (?:my|our)\b",
        r"learn from (?:you|your experience|your journey|your path|your career)",
        rf"{_ASKER} (?:learn|hear|know|understand) (?:(?:a bit |a little |much )?more )?(?:about )?(?:your|how you|what you)"
        r" (?:work|role|team|career|journey|path|company|experience|day-to-day|job|transition|move|research|startup|product|story"
        r"|thoughts|take|perspective|views|opinion|advice|insights?|think|got (?:into|started)|made the|built|approach|handled"
        r"|did it)",
        r"(?:ask|asking) you (?:a few|some|a couple of|a couple|a|one|two|three) (?:(?:quick|short|brief) )?questions?"
        r"|(?:(?:a|one|two|few|couple of) )?(?:(?:quick|short|brief) )?questions? (?:for you|about your)",
        r"let me know (?:your|what you) (?:thoughts|think)",
        rf"{_ADVICE_NOUN} from you|what you(?:'d| would) do (?:in my|if you were)|in my shoes",
        rf"{_SENTENCE_START}(?:a )?(?:quick|short|brief) question",
    ),
    _kind(
        "feedback",
        "asks the recipient to review something or give feedback",
        rf"(?:review|critique|proofread|look over|look at|glance (?:at|over)|go (?:over|through)|read|check out|take a look at"
        rf"|have a look at|take a peek at|cast an eye over|give feedback on|comment on|vet|assess|evaluate|tear apart"
        rf"|sanity(?:-| )check|skim) (?:my|our) (?:(?:updated|new|latest|current|attached|draft|short) )?{_DOCUMENT}",
        r"(?:feedback|critique|a second pair of eyes|fresh eyes|a fresh pair of eyes|a sanity check|a review|your eyes"
        r"|an honest look) (?:on|of|over) (?:my|our|the (?:attached|draft|deck|enclosed))",
        r"(?:(?:i|we)(?:'d| would)|would)(?: really| also| so)? (?:love|like|appreciate|value|welcome) (?:(?:any|some|your"
        r"|a bit of) )?(?:(?:quick|brief|honest|candid) )?(?:feedback|critique|review|eyes on|eye on)",
        r"(?:can|could|may|might) i (?:(?:quickly|just) )?(?:send|share|show|forward|pass) (?:you )?(?:(?:my|our|a copy of my) )?"
        rf"{_DOCUMENT}",
        r"(?:attach(?:ed|ing)|enclos(?:ed|ing)) (?:(?:is|are|herewith) )?(?:my|our) (?:(?:updated|latest|current) )?"
        r"(?:cv|c\.v\.|resume|résumé|portfolio|deck|pitch deck|cover letter)",
        r"(?:my|our) (?:(?:updated|latest|current) )?(?:cv|c\.v\.|resume|résumé|portfolio|deck|cover letter) (?:is |are )?"
        r"(?:attached|enclosed|below|linked)",
        r"(?:here(?:'s| is)|i've linked|linked|link to) my (?:(?:updated|latest|current) )?(?:cv|c\.v\.|resume|résumé|portfolio)",
        r"(?:send|sending|share|sharing|forward|forwarding) (?:you )?my (?:(?:updated|latest|current) )?(?:cv|c\.v\.|resume"
        r"|résumé|portfolio)",
    ),
    _kind(
        "mentoring",
        "asks for mentoring",
        r"mentor me|(?:be|become) my mentor|(?:your|some|any|ongoing) mentorship|mentorship (?:from|with) you"
        r"|(?:seeking|looking for|find|finding|need|want) (?:a )?mentor(?:ship)?|take me (?:on|under your wing)|under your wing"
        r"|shadow you|coach me|(?:mentor|coach|guid)(?:e|ing)? (?:someone like )?me",
    ),
    _kind(
        "job",
        "asks for a job, an opening or to be considered",
        rf"(?:are|is) (?:(?!we\b|i\b)(?:you(?: guys| all)?|they|your {_TEAM}|[\w&.-]+)) (?:(?:currently|still|actively|also"
        r"|by any chance|ever) )?hiring",
        rf"(?<!my\s)(?<!our\s)(?:(?!we\b|i\b)(?:you|they|your {_TEAM}|[\w&.-]+))(?:'re|'s| are| is) (?:(?:currently|still"
        r"|actively|also|now) )?hiring",
        r"hiring (?:right now|at the moment|currently)?\s*\?",
        rf"(?:any|open|available|upcoming) {_JOB_NOUN}(?: (?:on|in|at|with|within) your| (?:you|that you) (?:know|might|have"
        rf"|are)| for (?:a|an|someone|people|me|junior|senior)|\s*\?| coming up| opening up| available)",
        rf"{_JOB_NOUN} (?:on|in|at|with|within) your {_TEAM}|(?:a|an|any) (?:role|job|position|opening|spot|place|internship)"
        rf" (?:on|in|at|with|within) (?:your|you)",
        rf"(?:is|are) there (?:any |an? )?(?:open )?(?:{_JOB_NOUN}|room (?:on|in|for))",
        r"(?:(?:hear|come across|run across|spot|aware) (?:of |about )?|(?:know|learn) (?:of|about) |you (?:ever )?see )(?:any"
        rf"|an|a) (?:(?:open|relevant|suitable|new|freelance|remote|junior|senior|contract|part-time|full-time) )?(?:{_JOB_NOUN}"
        r"|gigs?|contracts?)",
        r"do you have (?:any )?(?:open )?(?:openings|roles|positions|vacancies|jobs|internships)|room for (?:one more|another"
        r"|someone like me|me)|send (?:them|it|anything|any \w+|opportunities|work) my way",
        r"if (?:anything|something|a role|an opening|a position|a spot|an opportunity|a job) (?:ever )?(?:comes|opens|pops|crops"
        r"|turns) up|(?:if|when) you hear of anything",
        r"keep me in mind|keep me (?:on|in) (?:your|the) (?:radar|loop for)|keep my (?:cv|resume|profile|name|details) on file"
        r"|keep me posted (?:on|about) (?:roles|openings|positions|opportunities)",
        r"consider me|considering me|consider my (?:application|cv|resume|profile|candidacy)|(?:your"
        r"|for) (?:time and )?consideration|be considered (?:for|at)",
        rf"{_ASKER} (?:join|work (?:for|with|at|alongside|on|under)|be (?:a )?part of|be on|intern (?:at|with))"
        rf" (?:you|your|the team|your team|what you(?:'re| are) building)",
        r"(?:land|get|find|secure) (?:a|my next|my first) (?:job|role|position|internship) (?:at|with|on) (?:your|you)",
        r"(?:my )?foot in the door|get in the door",
        r"(?:apply|applying|my application) (?:to|for|at) (?:your|a role on your|a role at your|the role on your)",
        r"hire me|(?:take|give) (?:a )?chance on me|give me a chance",
        r"if there(?:'s| is) (?:ever )?(?:an? )?(?:opening|role|position|spot|vacancy|job)",
        rf"(?:are|is) (?:you(?: guys| all)?|y'all|your {_TEAM}|they) (?:(?:currently|still|by any chance|ever) )?(?:taking on"
        r"|looking for"
        r"|recruiting|bringing on|adding) (?:(?:any|more|new) )?(?:interns|juniors|graduates|grads|engineers|designers|analysts"
        r"|developers|people|staff|contractors|freelancers|new hires|someone|anyone|help)",
        r"keep an eye out for (?:me|any|anything|roles|openings|opportunities|positions|jobs)|keep (?:your )?(?:eyes|ears) open",
        r"(?:i'm|i am|i was) (?:reaching out|writing|messaging|contacting you) (?:about|regarding|to ask about"
        r"|because of) (?:the|a|your) (?:open |open-|\w+ )?(?:role|position|opening|job|vacancy)",
    ),
    _kind(
        "referral",
        "asks for a referral or a good word",
        r"refer me|referring me|referrals?(?! (?:bonus|bonuses|scheme|programme|program|fee|link|code))",
        r"put in a (?:good )?word|(?:a|your) good word|put my name (?:forward|in|up)|put me forward|recommend me (?:for|to)",
        r"pass (?:along|on) my (?:cv|resume|résumé|details|profile|name|info|application)"
        r"|(?:pass|forward|send|share|get) my (?:cv|resume|résumé|profile|portfolio|application|name|details) (?:to|along|on"
        r"|with|internally|in front of|over to)",
    ),
    _kind(
        "introduction",
        "asks for an introduction or a contact",
        r"introduce me|introducing me|intro me",
        r"(?:ask|asking|request|requesting|hoping for|looking for|love|like|appreciate|grateful for|need) (?:for )?(?:a|an)"
        r" (?:(?:quick|warm|brief|email) )?intro(?:duction)?",
        r"(?:a|an) (?:(?:quick|warm|brief|email|virtual) )?intro(?:duction)? (?:to|with) (?:your|someone|anyone|somebody"
        r"|the right)",
        r"put me in touch|get me in touch|connect me (?:with|to)|point me (?:to|towards?|in the direction of) (?:someone|anyone"
        r"|somebody|the right|whoever|a person|people|a contact)",
        r"know (?:of )?(?:anyone|anybody|someone|somebody|any (?:recruiters|hiring managers|people|folks|founders|engineers))"
        r" (?:who|at|in|on|that|working|hiring|looking)",
        r"(?:do|would|might) you (?:happen to )?know (?:of )?(?:anyone|anybody|someone|somebody|any (?:recruiters|hiring managers"
        r"|people|folks)|who i|a (?:recruiter|hiring manager|good person)|who (?:handles|runs|leads|manages|looks after"
        r"|is responsible|is in charge|hires|recruits|owns|decides|would be))",
        r"(?:who|whom) (?:i|to) (?:should|could|might|ought to|would) (?:talk|speak|reach out|contact|connect|email|write|ask"
        r"|send|approach|follow up)|(?:who|whom) to (?:talk|speak|reach out|contact|email|ask|approach)",
        r"(?:the )?(?:best|right) (?:person|people|contact|someone|team) (?:to|i should|i could) (?:talk|speak|reach|contact|ask"
        r"|email|write|send|approach)",
        r"anyone (?:on|at|in) your (?:team|company|org|network) (?:i|who|that)|(?:tap|share) your network",
    ),
    _kind(
        "endorsement",
        "asks for an endorsement, recommendation or reference",
        r"endorse (?:me|my)|endorsements?",
        r"recommend me|(?:write|give|leave|provide) (?:me )?(?:a|an) (?:(?:short|quick|brief|linkedin) )?recommendation"
        r"|recommendation (?:for me|on my|letter)|(?:a|your) (?:linkedin )?recommendation (?:on|for) (?:me|my)",
        r"vouch for me|(?:be|serve as|act as) (?:a|my) (?:professional )?reference|reference (?:for me|letter)"
        r"|(?:a|your) reference (?:for|on) (?:me|my)",
    ),
    _kind(
        "favour",
        "asks for a favour or help",
        r"(?:a|one|small|quick|big|huge|tiny|little|special) favou?r|do me a|(?:ask|asking) (?:you )?(?:for )?a favou?r",
        r"(?:i'd|i would|would|we'd|we would) (?:be )?(?:(?:so|very|really|truly|eternally|incredibly|hugely|forever|extremely"
        r"|super|most|deeply) )?(?:grateful|thankful|obliged|indebted|appreciative)",
        r"(?:i'd|i would|we'd|we would|would) (?:(?:really|so|greatly|truly|very much|much|hugely|sincerely|deeply|genuinely) )?"
        r"appreciate (?:it|any|your|a |an |some|the (?:chance|opportunity)|hearing|if|you|whatever)",
        r"(?:would|(?:it|that|this|i)'d|will) mean (?:a lot|the world|so much|a great deal)",
        r"(?:would|(?:it|that|this)'d) (?:be|mean) (?:(?:so|really|super|incredibly|hugely|very|truly) )?(?:helpful|useful"
        r"|valuable|invaluable|great"
        r"|amazing|wonderful|brilliant|fantastic|huge|a huge help|a big help|a great help|a lifesaver) (?:to me|for me|if you"
        r"|if i could)",
        r"thanks? (?:you )?(?:so much )?in advance|thanks? (?:you )?(?:so much )?for (?:any|your) (?:help|advice|support"
        r"|assistance|guidance|time and consideration) (?:you can|you could|in advance|you might)",
        r"(?:need|could use|could really use|ask for|asking for|hoping for|looking for|seeking|request|requesting)"
        r" (?:(?:your|some|a little|a bit of|any|a) )?(?:help|support|assistance|hand|backing)"
        r"(?! (?:roles?|engineer(?:ing)?|positions?|jobs?|team|desk|tickets?|function))",
        r"(?:any|your) (?:help|support|assistance|guidance) (?:would|you (?:could|can|might)|is (?:(?:much|greatly|hugely"
        r"|really) )?appreciated)|(?:help|support|assistance) would be",
        r"(?:help|helping) me (?:out|with|get|find|land|break|secure|understand|figure|navigate|decide|think|choose|learn|grow"
        r"|move|transition|make|connect|reach|prepare|improve|understand)",
        r"you (?:could|can|might|may) help me|lend (?:me )?a hand|lend an ear",
        r"(?:i|we)(?:'d| would) love (?:it )?if you|it would be (?:great|amazing|wonderful|lovely|fantastic|brilliant|nice"
        r"|helpful) if you",
    ),
    _kind(
        "request",
        "a question or request that asks the recipient to do something",
        rf"{_YOU_MODAL}{_ADVERBS} (?:{_EFFORT}|(?:(?:be able|find (?:the )?time|have (?:the )?time) to) \w+)",
        r"(?:could|can|will) you(?: (?:please|possibly|perhaps))? recommend",
        rf"why (?:don't|not) you {_EFFORT}",
        rf"(?:please|kindly) (?:do )?{_EFFORT}|{_SENTENCE_START}do {_EFFORT}",
        rf"{_SENTENCE_START}(?:send|tell|show|give|email|call|text|introduce|connect|refer|help|forward|point|walk|teach|guide"
        rf"|ping|message|endorse|recommend|remind) me\b",
        rf"if you(?: could| would| can| might|'d)(?: (?:possibly|perhaps|maybe|kindly|ever|also))? {_EFFORT}",
        rf"{_YOU_MODAL} have (?:any |some |a little )?(?:availability|time|bandwidth|capacity|a (?:minute|moment|second))",
        rf"if you(?:'re| are|'d be| would be| were) (?:(?:ever|at all) )?(?:willing|open|able|up for|happy|kind enough|game|keen)"
        rf" (?:to|for) (?:a|an|{_EFFORT}|chat|talk|meet|share|help|connect|hop|jump|review|look)",
        rf"(?:hope|hoping|trust|trusting)(?: that)? you(?:'ll| will| can| could| might| would| may)?(?: be able to)? {_EFFORT}",
        rf"(?:wondering|wonder|wondered) (?:if|whether) you(?:'d| would| could| might| can| will| may)? (?:{_EFFORT}"
        rf"|have (?:time|a (?:minute|moment)))",
        r"do you have (?:(?:any|a|some|the) )?(?:(?:spare|free|little) )?(?:time|minute|moment|second|few minutes"
        r"|\d{1,2} minutes|availability|bandwidth|capacity|room|space) (?:for|to|this|next|in)",
        r"do you have (?:any |a few |some )?(?:spare )?(?:time|availability|bandwidth|capacity|minutes)",
        r"(?:any|is there (?:any|a)|what are the) chances? (?:you(?:'d| would| could| might|'ll| will|'re free| have time)"
        r"|i could|we could|of (?:a|an|getting|grabbing|chatting|meeting|your)|that you (?:could|would|might))",
        r"(?:would|could|might) it be (?:possible|ok|okay|alright|all right|feasible) (?:for (?:me|us|you)|to|if)"
        r"|is it (?:ok|okay|alright|all right) if i",
        r"(?:would|do) you mind|mind if i",
        r"(?:how|where) (?:can|could|should|do|might) i (?:apply|get (?:in touch|hold of|a referral|an intro|started at"
        r"|into your)|reach (?:you|out)|contact|send)",
        r"(?:can|could|may|might) (?:i|we) (?:(?:please|quickly|just|perhaps|maybe) )?(?:steal|borrow|grab|have|get|book|schedule"
        r"|take|ask (?:you (?:a|for|some|something|one)|for|a (?:quick )?(?:favou?r|question)|some)|pick|run|bounce|bother"
        r"|trouble|bug|call|follow up|reach out|set up|buy you|take you|add you|put you|sign you|subscribe you|include you"
        r"|cc you|loop you)",
        r"if you(?:'re| are) (?:ever )?up for (?:it|that|this|a|an)",
        r"(?:are|were) you (?:(?:by any chance|perhaps|maybe|at all) )?(?:open|willing|up|interested|keen|happy|able|around|free)"
        r" (?:to|for|in) (?:a |an )?(?:chat|call|coffee|meeting|meet|talk|speak|connect|hop|jump|grab|help|share|review|mentor"
        r"|mentoring|refer|introduce|give|discuss|being|catch up|conversation|quick)",
        r"you(?:'d| would) (?:ever )?be (?:open|willing|up for|available|interested|keen|happy) (?:to|in|for) (?:a|an|chat|talk"
        r"|meet|hop|jump|connect|share|help|review|discuss|being|catching|grabbing|hopping|jumping|chatting|talking|meeting"
        r"|sharing|helping|connecting)",
        r"is (?:that|this) something you(?:'d| would| might)(?: (?:ever|maybe|perhaps))? be",
    ),
    _kind(
        "offer_question",
        "turns an offer into a question the recipient must answer (say it as an offer: 'happy to send it if useful')",
        r"(?:would|do) you want (?:me to|a copy|copies|the (?:list|file|notes|checklist|slides|link|guide|route|map|gpx))"
        r"|would you like (?:me to|a copy|copies|to (?:see|have|get|read|chat|talk|meet|grab|hop|jump|connect)|the (?:list|file"
        r"|notes"
        r"|checklist|slides|link|guide|route|map|gpx)|my (?:notes|list|checklist|slides|guide|map|gpx))|(?:want|wanna) me to"
        r"|would you be interested in",
        r"shall i|should i (?:send|share|forward|email|pass)|(?:can|could|may) i (?:send|share|forward|email) you",
        r"would (?:it|that) (?:be )?(?:useful|helpful|of interest|interesting|of use|any use) (?:if i|for you|to you)"
        r"|is (?:that|this|it) something you'd (?:like|want|find useful)",
    ),
    _kind(
        "reply",
        "pressures the recipient to reply",
        r"let me know|lmk|let me hear",
        r"(?:look|looking) forward to (?:hearing|your (?:reply|response|answer|thoughts|feedback|take|input|reaction)|our (?:chat"
        r"|call|conversation|meeting|talk)|chatting|speaking|talking|meeting|catching up|connecting over|learning from you"
        r"|discussing|getting your|working together|working with you|your call|the chance to (?:chat|talk|meet|connect))",
        r"(?:hope|hoping|wait|waiting|eager|keen|excited|can't wait) to hear|(?:love|like) to hear (?:back|from you)"
        r"|hear (?:back )?from you (?:soon|shortly"
        r"|when|at your)|hear back|await(?:ing)? your|waiting (?:for|on) your|until i hear",
        r"get back to me|get back in touch|write back|drop me (?:a|an) (?:line|note|message|email|dm|text)|ping me"
        r"|shoot me (?:a|an)"
        r" \w+|message me|text me|call me|email me|e-mail me|dm me|hit me up|give me a (?:call|ring|shout|buzz)|reach out to me"
        r"|get in touch(?: with me)?|contact me|reach out (?:whenever|when|if|anytime|any time|once)",
        r"(?:please|kindly) (?:reply|respond|confirm|get back|advise|answer|write)|(?:reply|respond|answer) (?:when|whenever"
        r"|at your|by|as soon|soon|asap)|(?:a|your) (?:(?:quick|short|brief) )?(?:reply|response|answer) (?:would|is|will)"
        r"|(?:appreciate|welcome|grateful for|hope for|hoping for|expect|expecting|awaiting|await) (?:a|your) (?:(?:quick|short"
        r"|brief) )?(?:reply|response|answer)",
        r"(?:at|by) your (?:earliest )?convenience|keep me (?:posted|updated|in the loop)|circl(?:e|ing) back|bumping (?:this|my)"
        r"|just following up|following up on my|(?:i'll|i will|i'm going to|i plan to|i'd like to|will) (?:follow up"
        r"|be in touch to|reach out again|check back|check in again|ping you|try you|circle back|nudge you)|if i don't hear",
        r"(?:talk|speak|chat) (?:soon|shortly|next week|then)",
        r"(?:i'll|i will|i'm going to|i am going to) (?:give you a (?:call|ring)|call|ring|phone|email|e-mail|message|text"
        r"|ping) you",
        r"if you (?:replied|wrote back|got back to me|responded|answered)",
        r"(?:do )?(?:reply|respond) (?:to this|back)",
    ),
)


@cache
def _all_asks() -> re.Pattern[str]:
    """One pass over the text for every kind: each kind is a named group, in priority order."""
    return re.compile(_bounded("|".join(f"(?P<k{index}>{kind.source})" for index, kind in enumerate(ASK_KINDS))), _FLAGS)


_KIND_OF_GROUP = {f"k{index}": kind for index, kind in enumerate(ASK_KINDS)}

# --- clauses and negation ---------------------------------------------------------------
# A clause ends at sentence punctuation, semicolons, dashes, brackets, blank lines, and before a
# comma or line break that opens a new clause ("No pressure, but…", "…, would you…"). A list
# ("a call, a coffee, or a referral") stays one clause, so one negator covers all of it.
_STARTERS = (
    r"(?i:but|yet|so|though|although|however|just|only|if|unless|when|whenever|please|let|let's|would|could|can|will|might|maybe"
    r"|perhaps|i|i'd|i'm|i'll|i've|we|we'd|you|you'd|do|feel|happy|looking|hope|hoping|any|otherwise|instead|still|anyway"
    r"|ps|p\.s\.|thanks|thank|cheers|best|all)"
)
_CLAUSE_BREAK = re.compile(
    rf"[.!?]+(?=[\s\"')\]]|$)|[;:](?=\s)|\s[-–—]+\s|[–—()]|\n\s*\n|[,\n](?=\s*{_STARTERS}\b)"
    rf"|\s(?=(?i:but|yet|though|although|however|whereas|otherwise)\b)"
    rf"|\s(?=(?i:and|or|so)\s+(?i:i|i'd|i'm|i'll|we|would|could|if|maybe|perhaps|please|let|let's|feel|any)\b)"
)
_NEGATOR = re.compile(r"\b(?:not|no|never|nothing|without|neither|nor|none|cannot|rather than|instead of)\b|n't\b", re.IGNORECASE)
# Phrases that look negative but do not cancel the request after them.
_FALSE_NEGATION = re.compile(
    r"\b(?:not sure|not certain|no idea|not only|not just|no rush|no hurry|not urgent|no urgency|don't hesitate|do not hesitate"
    r"|never hesitate|why don't|why not|won't you|wouldn't you|couldn't you|can't you|don't you|wouldn't it|won't it|isn't it"
    r"|don't happen to|wouldn't happen to|don't suppose|wouldn't mind|don't mind|if not|no worries|no problem|not a big|no big"
    r"|can't wait|cannot wait|couldn't help|can't help|no doubt|not to mention|no matter|not too busy|not busy|not swamped"
    r"|not too swamped|wouldn't say no|won't say no|never say no|not opposed|wouldn't object|wouldn't be opposed|not averse"
    r"|didn't want to wait|no one better|nobody better|no better)\b",
    re.IGNORECASE,
)
# After a negator, these words turn a refusal back into a request: "won't take more than 10 minutes".
_NEGATION_UNDONE = re.compile(
    r"\b(?:more than|longer than|other than|except|beyond|but|apart from|besides|less than|much)\b", re.IGNORECASE
)
# "A reply isn't needed", "replying is entirely optional".
_NEGATED_AFTER = re.compile(
    r"^[^.;:!?\n]{0,30}?\b(?:(?:is|are|'s|'re|be)\s+)?(?:not|n't|never)\s+(?:needed|necessary|required|expected|what i'm after"
    r"|the point|why i'm writing|an ask)|^[^.;:!?\n]{0,20}?\b(?:is|are)\s+(?:(?:entirely|totally|completely)\s+)?optional\b",
    re.IGNORECASE,
)
# Open-door phrasing grants permission and expects nothing ("feel free to reach out").
_OPEN_DOOR = re.compile(
    r"(?:feel free|don't hesitate|do not hesitate|never hesitate|you're welcome|you are welcome|always welcome|always happy)"
    r"(?:\s+to)?\s*(?:\S+\s+){0,2}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Match:
    kind: AskKind
    start: int
    end: int


class _Clauses:
    """Clause boundaries of one text, for negation scope."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0]
        self._ends: list[int] = []
        for brk in _CLAUSE_BREAK.finditer(text):
            self._ends.append(brk.start())
            self._starts.append(brk.end())
        self._ends.append(len(text))

    def around(self, start: int, end: int) -> tuple[int, int]:
        index = bisect_right(self._starts, start) - 1
        clause_start = self._starts[index]
        following = bisect_right(self._ends, end - 1)
        clause_end = self._ends[following] if following < len(self._ends) else len(self._text)
        return clause_start, max(clause_end, end)


# How far back a negator can reach: further than this it negates something else.
_NEGATION_REACH = 120


def _is_negated(text: str, clauses: _Clauses, start: int, end: int) -> bool:
    clause_start, clause_end = clauses.around(start, end)
    before = text[max(clause_start, start - _NEGATION_REACH) : start]
    if _NEGATOR.search(before):
        before = _FALSE_NEGATION.sub(lambda found: " " * len(found.group()), before)
        negators = list(_NEGATOR.finditer(before))
        if negators and not _NEGATION_UNDONE.search(before, negators[-1].end()):
            return True
    return bool(_NEGATED_AFTER.search(text[end : min(clause_end, end + _NEGATION_REACH)]))


def _is_open_door(kind: AskKind, text: str, clauses: _Clauses, start: int, end: int) -> bool:
    if kind.name != "reply":
        return False
    clause_start, _ = clauses.around(start, end)
    return bool(_OPEN_DOOR.search(text[max(clause_start, start - _NEGATION_REACH) : start]))


def _merge_by_clause(matches: list[_Match], clauses: _Clauses) -> list[_Match]:
    """One match per asking clause: the union of its matches, named by the most specific kind."""
    priority = {kind.name: index for index, kind in enumerate(ASK_KINDS)}
    merged: list[_Match] = []
    last_clause = -1
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        clause, _ = clauses.around(match.start, match.end)
        if merged and (match.start < merged[-1].end or clause == last_clause):
            last = merged[-1]
            kind = min(last.kind, match.kind, key=lambda k: priority[k.name])
            merged[-1] = _Match(kind, last.start, max(last.end, match.end))
        else:
            merged.append(match)
            last_clause = clause
    return merged


def find_asks(text: str) -> list[Violation]:
    """Every request of the recipient in `text` (rule ASK), in order, with the offending span."""
    matched = text.translate(_STRAIGHT_QUOTES)
    clauses = _Clauses(matched)
    found: list[_Match] = []
    position = 0
    while hit := _all_asks().search(matched, position):
        kind = _KIND_OF_GROUP[hit.lastgroup or ""]
        start, end = hit.span()
        if not (_is_negated(matched, clauses, start, end) or _is_open_door(kind, matched, clauses, start, end)):
            found.append(_Match(kind, start, end))
        # Resume inside the match: an overlapping phrasing may be more specific, or survive where this one was negated.
        position = start + 1
    return [
        Violation(
            rule=Rule.ASK,
            message=f"{match.kind.explanation[0].upper()}{match.kind.explanation[1:]}: “{_flat(text[match.start : match.end])}”.",
            span=text[match.start : match.end],
            start=match.start,
            end=match.end,
        )
        for match in _merge_by_clause(found, clauses)
    ]


def _flat(span: str) -> str:
    return " ".join(span.split())
