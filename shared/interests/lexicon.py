"""Interest lexicon: the hobbies, causes and pursuits people name in bios.

Both the offline composer (to find what a bio states) and the grounding check (to
catch a hobby the bio never mentioned) read this one list, so they cannot disagree.
Each entry maps a canonical topic to the surface forms that name it; forms are matched
as whole words, case-insensitively.
"""

from __future__ import annotations

from typing import Final

INTEREST_LEXICON: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "outdoors": {
        "hiking": ("hiking", "hike", "hikes", "hiker", "trekking", "trek", "treks", "backpacking", "fell walking", "hillwalking"),
        "climbing": ("climbing", "climber", "bouldering", "boulderer", "rock climbing", "mountaineering", "alpinism"),
        "trail running": ("trail running", "trail runner", "ultramarathon", "ultramarathons", "ultra running"),
        "running": ("running", "runner", "marathon", "marathons", "half marathon", "5k", "10k", "parkrun"),
        "cycling": (
            "cycling",
            "cyclist",
            "bike touring",
            "road cycling",
            "mountain biking",
            "gravel riding",
            "bikepacking",
            "road bike",
            "road bikes",
            "old bikes",
            "cyclocross",
            "randonneuring",
        ),
        "camping": ("camping", "wild camping", "campervan"),
        "skiing": ("skiing", "skier", "ski touring", "snowboarding", "snowboarder", "cross-country skiing"),
        "surfing": ("surfing", "surfer", "surf", "kitesurfing", "windsurfing"),
        "sailing": ("sailing", "sailor", "sailboat", "yachting"),
        "kayaking": ("kayaking", "kayak", "kayaker", "sea kayaking", "canoeing", "canoe", "paddleboarding", "rowing", "rower"),
        "swimming": ("swimming", "swimmer", "open water swimming", "wild swimming"),
        "birdwatching": ("birdwatching", "birding", "birder", "bird watching", "birdwatcher"),
        "gardening": ("gardening", "gardener", "allotment", "permaculture", "beekeeping", "beekeeper"),
        "fishing": ("fishing", "fly fishing", "angling", "angler"),
        "scuba diving": ("scuba", "scuba diving", "diving", "freediving"),
    },
    "sport": {
        "triathlon": ("triathlon", "triathlons", "triathlete", "ironman"),
        "yoga": ("yoga", "yogi"),
        "martial arts": (
            "martial arts",
            "karate",
            "judo",
            "jiu-jitsu",
            "jiu jitsu",
            "taekwondo",
            "kung fu",
            "aikido",
            "boxing",
            "fencing",
        ),
        "tennis": ("tennis", "padel", "squash", "badminton", "table tennis", "pickleball"),
        "football": ("football", "soccer", "five-a-side"),
        "basketball": ("basketball",),
        "cricket": ("cricket",),
        "golf": ("golf", "golfer"),
        "chess": ("chess",),
        "crossfit": ("crossfit", "weightlifting", "powerlifting"),
        "volleyball": ("volleyball", "beach volleyball"),
        "rugby": ("rugby",),
        "baseball": ("baseball", "softball"),
        "hockey": ("hockey", "ice hockey"),
    },
    "arts": {
        "photography": ("photography", "photographer", "film photography", "street photography"),
        "painting": (
            "painting",
            "watercolour",
            "watercolor",
            "watercolours",
            "watercolors",
            "oil painting",
            "sketching",
            "drawing",
        ),
        "pottery": ("pottery", "ceramics", "potter"),
        "woodworking": ("woodworking", "woodwork", "carpentry", "furniture making"),
        "knitting": ("knitting", "crochet", "sewing", "quilting", "embroidery"),
        "writing": ("creative writing", "poetry", "poet", "short stories", "novelist", "writing fiction", "blogging"),
        "theatre": ("theatre", "theater", "improv", "acting", "stand-up comedy"),
        "dance": ("dance", "dancing", "salsa", "tango", "ballet", "swing dancing"),
        "film": ("film", "films", "cinema", "filmmaking", "documentaries"),
        "calligraphy": ("calligraphy", "lettering"),
    },
    "music": {
        "music": ("music", "musician"),
        "guitar": ("guitar", "guitarist", "bass guitar"),
        "piano": ("piano", "pianist", "keyboards"),
        "singing": ("singing", "choir", "choral", "singer"),
        "jazz": ("jazz",),
        "violin": ("violin", "violinist", "cello", "cellist"),
        "drums": ("drums", "drummer", "percussion"),
        "vinyl": ("vinyl", "record collecting"),
        "djing": ("djing", "dj"),
    },
    "mind": {
        "reading": ("reading", "reader", "book club", "books", "bookworm"),
        "science fiction": ("science fiction", "sci-fi", "scifi"),
        "history": ("history buff", "military history", "local history"),
        "board games": ("board games", "boardgames", "tabletop games", "dungeons & dragons", "dungeons and dragons", "d&d"),
        "puzzles": ("puzzles", "crosswords", "crossword", "sudoku", "jigsaw"),
        "podcasts": ("podcasts", "podcast"),
        "languages": (
            "learning languages",
            "language learning",
            "learning spanish",
            "learning japanese",
            "learning french",
            "polyglot",
        ),
        "astronomy": ("astronomy", "stargazing", "astrophotography"),
        "meditation": ("meditation", "mindfulness"),
    },
    "home": {
        "cooking": ("cooking", "cook", "home cook", "recipes"),
        "baking": ("baking", "baker", "sourdough", "bread baking"),
        "coffee": ("coffee", "espresso", "specialty coffee", "home roasting"),
        "wine": ("wine", "winemaking", "sommelier"),
        "homebrewing": ("homebrewing", "home brewing", "craft beer", "brewing"),
        "travel": ("travel", "travelling", "traveling", "traveller", "traveler"),
        "dogs": ("dog", "dogs", "dog lover", "puppy", "rescue dog"),
        "cats": ("cat", "cats", "cat lover"),
        "horses": ("horse riding", "equestrian", "horses"),
        "gaming": ("gaming", "gamer", "video games"),
        "retro computing": ("retro computing", "retrocomputing", "vintage computers"),
        "cars": ("classic cars", "motorsport", "formula 1", "f1", "car restoration", "motorcycles", "motorbikes"),
        "diy": ("diy", "home renovation", "tinkering", "3d printing", "electronics projects", "arduino", "raspberry pi"),
    },
    "cause": {
        "volunteering": ("volunteer", "volunteering", "volunteers", "volunteered"),
        "mentoring": ("mentor", "mentoring", "mentors", "mentorship"),
        "climate": ("climate", "sustainability", "climate action", "renewable energy", "conservation", "rewilding"),
        "education": ("literacy", "stem outreach", "coding club", "code club", "tutoring", "teaching kids"),
        "animal rescue": ("animal rescue", "animal shelter", "fostering dogs", "foster dogs", "fostering cats"),
        "food banks": ("food bank", "food banks", "soup kitchen"),
        "open source": ("open source", "open-source", "oss"),
        "accessibility": ("accessibility", "a11y", "inclusive design"),
        "diversity": ("diversity", "women in tech", "inclusion", "dei", "lgbtq+", "lgbtq"),
        "mental health": ("mental health", "wellbeing", "well-being"),
        "public health": ("public health", "global health"),
        "refugees": ("refugees", "refugee", "asylum seekers"),
        "parenting": ("dad of", "mum of", "mom of", "father of", "mother of", "parenting", "parent of"),
    },
}

# Surface form -> canonical topic, for fast look-up.
FORM_TO_TOPIC: Final[dict[str, str]] = {
    form: topic for topics in INTEREST_LEXICON.values() for topic, forms in topics.items() for form in forms
}

TOPIC_TO_CATEGORY: Final[dict[str, str]] = {topic: category for category, topics in INTEREST_LEXICON.items() for topic in topics}
