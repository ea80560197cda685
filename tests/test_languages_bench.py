"""The language benchmark's corpus: paragraphs in the script, copies edited as asked."""

from __future__ import annotations

from benchmarks import languages

CJK_TEXT = "今天天气很好我们去公园散步吧公园里有很多人在跑步孩子们在草地上玩耍" * 2


def test_paragraphs_keep_the_script_and_join_wrapped_lines() -> None:
    page = f"NAME\n       ls - list\n\n{CJK_TEXT[:30]}\n{CJK_TEXT[30:]} (ls)\n\nshort 中文\n"
    assert languages.paragraphs("zh", [page, page]) == [f"{CJK_TEXT} (ls)"]
    french = "Ce programme lit une image au format PBM et produit " * 3
    assert languages.paragraphs("fr", [f"{french}\n\nNOM\n"]) == [french.strip()]


def test_copies_are_the_source_at_rate_zero_and_edited_above() -> None:
    texts = [f"{CJK_TEXT} 第{number}章 a b" for number in range(9)]
    corpus, families, rates = languages.corpus("zh", texts, sources=2, seed=1)
    per_source = 1 + len(languages.RATES)
    assert len(corpus) == len(families) == len(rates) == 2 * per_source + 7
    assert families[:per_source] == [0] * per_source
    assert rates[:per_source] == [None, *languages.RATES]
    source = corpus[0]
    assert corpus[1] == source  # rate 0: the source itself, its spaces kept
    assert " " in corpus[2]
    changed = [sum(a != b for a, b in zip(source, corpus[i], strict=False)) for i in (2, 4)]
    assert 0 < changed[0] <= changed[1]
    unrelated = corpus[2 * per_source :]
    assert sorted(unrelated) == sorted(set(texts) - {corpus[0], corpus[per_source]})
    assert families[2 * per_source :] == list(range(2, 9))
