"""Korean and English pages: the same pages, the same blocks, in the same order."""

import pytest

from coursetest.pages import ROOT, read_page, relpath

DOCS = ROOT / "docs"


def pages_of(lang):
    return {p.relative_to(DOCS / lang) for p in (DOCS / lang).rglob("*.md")}


def test_every_page_exists_in_both_languages():
    ko, en = pages_of("ko"), pages_of("en")
    assert ko, "no Korean pages found"
    assert sorted(map(str, ko - en)) == [], "pages only in Korean (docs/ko/): write the English page"
    assert sorted(map(str, en - ko)) == [], "pages only in English (docs/en/): write the Korean page"


def block_sequence_difference(ko_page, en_page):
    """None if both pages show the same blocks; else a message naming both lines."""
    ko_blocks, en_blocks = read_page(ko_page), read_page(en_page)
    for ko, en in zip(ko_blocks, en_blocks):
        if ko.signature() != en.signature():
            return (
                f"{en.location} differs from {ko.location}: both languages must show the same block "
                f"(fence header, body, directives).\n  ko: {ko.info!r} {ko.directive_sources}\n{ko.raw}"
                f"  en: {en.info!r} {en.directive_sources}\n{en.raw}"
            )
    if len(ko_blocks) != len(en_blocks):
        longer, shorter = (ko_blocks, en_blocks) if len(ko_blocks) > len(en_blocks) else (en_blocks, ko_blocks)
        extra = longer[len(shorter)]
        return (
            f"{relpath(ko_page)} has {len(ko_blocks)} blocks, {relpath(en_page)} has {len(en_blocks)}; "
            f"the first without a counterpart is {extra.location}"
        )
    return None


@pytest.mark.parametrize("page", sorted(pages_of("ko") & pages_of("en")), ids=str)
def test_blocks_are_the_same_in_both_languages(page):
    assert block_sequence_difference(DOCS / "ko" / page, DOCS / "en" / page) is None


def test_a_difference_is_reported_with_both_locations(tmp_path):
    ko = tmp_path / "ko.md"
    en = tmp_path / "en.md"
    ko.write_text("Prose.\n\n```console\n$ echo 3\n3\n```\n", encoding="utf-8")
    en.write_text("Other prose,\nlonger.\n\n```console\n$ echo -1\n3\n```\n", encoding="utf-8")
    message = block_sequence_difference(ko, en)
    assert "en.md::line 4 differs from" in message and "ko.md::line 3" in message
    en.write_text("Prose.\n\n```console\n$ echo 3\n3\n```\n\n```console\n$ true\n```\n", encoding="utf-8")
    assert "the first without a counterpart is" in block_sequence_difference(ko, en)
