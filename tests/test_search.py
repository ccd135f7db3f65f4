"""Search quality, measured with the real search: Material's search worker in Chromium.

The worker (lunr with lunr.ko and lunr.multi, the separator and pipeline from
mkdocs.yml) runs on the built site's index, exactly as the search box runs it
(coursetest/search.js). Every query below is a term that occurs on its page;
the page must be among the first MAX_RANK pages found. One shared index holds
both languages, so an English term may find a Korean page too: only the
expected page's rank is checked.

What Korean search can and cannot do (README, "Search in Korean"): lunr.ko
has no stemmer, so a word is found by its beginning (태스크 finds 태스크를),
never from inside a compound (스트리 does not find 레지스트리). The separator in
mkdocs.yml also splits at punctuation, so 재시도(retry) is two words.
"""

import json
from pathlib import Path

import pytest

from coursetest.browser import Once
from coursetest.pages import ROOT

SEARCH_JS = (Path(__file__).parent / "coursetest" / "search.js").read_text(encoding="utf-8")
MAX_RANK = 5  # the first screen of results

KOREAN = [
    ("헬스체크", ""),
    ("목차", ""),
    ("약속", ""),
    ("낡아", ""),
    ("검증", ""),
    ("데코레이터", "02-app-tasks/"),
    ("클래스로", "02-app-tasks/"),
    ("상속", "02-app-tasks/"),
    ("비웁니다", "02-app-tasks/"),
    ("프로세스마다", "02-app-tasks/"),
    ("순환 임포트", "02-app-tasks/"),
    ("배너", "02-app-tasks/"),
    ("시간대", "02-app-tasks/"),
    ("로그 수준", "02-app-tasks/"),
    ("노드 이름", "02-app-tasks/"),
    ("메인 이름", "02-app-tasks/"),
    ("레지스트리", "02-app-tasks/"),
    ("소비자", "02-app-tasks/"),
    ("고정값", "02-app-tasks/"),
    ("한국 시각", "02-app-tasks/"),
    ("원문", "02-app-tasks/"),
    ("tiaz0128", "02-app-tasks/"),
    ("우연히", "02-app-tasks/"),
    ("달라진", "02-app-tasks/"),
    ("mingle", "02-app-tasks/"),
    ("네임스페이스", "02-app-tasks/"),
    ("autodiscover", "02-app-tasks/"),
    ("가장 이른", "03-calling/"),
    ("EncodeError", "03-calling/"),
    ("NotRegistered", "03-calling/"),
    ("PaymentDeclined", "04-results/"),
    ("forget", "04-results/"),
    ("로거", "04-results/"),
    ("forget", "04-results/"),
    ("WSL", ""),
    ("멱등", "05-reliability/"),
    ("지터", "05-reliability/"),
    ("백오프", "05-reliability/"),
    ("WorkerLostError", "05-reliability/"),
    ("데드 레터", "05-reliability/"),
    ("헤더", "06-canvas/"),
    ("오류 콜백", "06-canvas/"),
    ("starmap", "06-canvas/"),
    ("ChordError", "06-canvas/"),
    ("라우팅", "07-routing/"),
    ("쿼럼", "07-routing/"),
    ("토픽", "07-routing/"),
    ("Broadcast", "07-routing/"),
    ("프리페치", "08-workers/"),
    ("콜드", "08-workers/"),
    ("SoftTimeLimitExceeded", "08-workers/"),
    ("REMAP", "08-workers/"),
    ("수신기", "10-monitoring/"),
    ("실패율", "10-monitoring/"),
    ("대시보드", "10-monitoring/"),
    ("덤프", "10-monitoring/"),
    ("statedb", "10-monitoring/"),
    ("Prometheus", "10-monitoring/"),
    ("역직렬화", "11-configuration/"),
    ("인증서", "11-configuration/"),
    ("바꿔치기", "11-configuration/"),
    ("비밀번호", "11-configuration/"),
    ("rediss", "11-configuration/"),
    ("서명", "11-configuration/"),
    ("주기 태스크", "09-beat/"),
    ("crontab", "09-beat/"),
    ("스케줄 파일", "09-beat/"),
    ("celerybeat", "09-beat/"),
    ("해 지는", "09-beat/"),
    ("RedBeat", "09-beat/"),
    ("픽스처", "12-testing/"),
    ("인메모리", "12-testing/"),
    ("하트비트", "12-testing/"),
    ("eager", "12-testing/"),
    ("conftest", "12-testing/"),
    ("오케스트레이터", "13-production/"),
    ("서비스 파일", "13-production/"),
    ("사본", "13-production/"),
    ("업그레이드", "13-production/"),
    ("taskset", "13-production/"),
    ("KillMode", "13-production/"),
    ("journalctl", "13-production/"),
    ("EnvironmentFile", "11-configuration/"),
    ("헤더", "11-configuration/"),
]

ENGLISH = [
    ("health checks", "en/"),
    ("promises", "en/"),
    ("verbatim", "en/"),
    ("stale", "en/"),
    ("WSL", "en/"),
    ("decorator", "en/02-app-tasks/"),
    ("subclass", "en/02-app-tasks/"),
    ("class-based", "en/02-app-tasks/"),
    ("circular import", "en/02-app-tasks/"),
    ("acknowledged", "en/02-app-tasks/"),
    ("banner", "en/02-app-tasks/"),
    ("time zone", "en/02-app-tasks/"),
    ("never imported", "en/02-app-tasks/"),
    ("built-in", "en/02-app-tasks/"),
    ("main name", "en/02-app-tasks/"),
    ("invisible", "en/02-app-tasks/"),
    ("purge", "en/02-app-tasks/"),
    ("registry", "en/02-app-tasks/"),
    ("two sides", "en/02-app-tasks/"),
    ("pitfall", "en/02-app-tasks/"),
    ("register_task", "en/02-app-tasks/"),
    ("shared_task", "en/02-app-tasks/"),
    ("ImportError", "en/02-app-tasks/"),
    ("logical CPUs", "en/02-app-tasks/"),
    ("tiaz0128", "en/02-app-tasks/"),
    ("redelivered", "en/05-reliability/"),
    ("mingle", "en/02-app-tasks/"),
    ("namespace package", "en/02-app-tasks/"),
    ("autodiscover", "en/02-app-tasks/"),
    ("earliest", "en/03-calling/"),
    ("earliest", "en/03-calling/"),
    ("NotRegistered", "en/03-calling/"),
    ("PaymentDeclined", "en/04-results/"),
    ("result_extended", "en/04-results/"),
    ("task logger", "en/04-results/"),
    ("WSL", "en/"),
    ("idempotent", "en/05-reliability/"),
    ("jitter", "en/05-reliability/"),
    ("backoff", "en/05-reliability/"),
    ("WorkerLostError", "en/05-reliability/"),
    ("dead-letter", "en/05-reliability/"),
    ("chunks", "en/06-canvas/"),
    ("error callback", "en/06-canvas/"),
    ("deadlock", "en/06-canvas/"),
    ("ChordError", "en/06-canvas/"),
    ("topic exchange", "en/07-routing/"),
    ("Broadcast", "en/07-routing/"),
    ("quorum", "en/07-routing/"),
    ("x-max-priority", "en/07-routing/"),
    ("cold shutdown", "en/08-workers/"),
    ("hoards", "en/08-workers/"),
    ("SoftTimeLimitExceeded", "en/08-workers/"),
    ("REMAP", "en/08-workers/"),
    ("receiver", "en/10-monitoring/"),
    ("dashboard", "en/10-monitoring/"),
    ("failure rate", "en/10-monitoring/"),
    ("metrics", "en/10-monitoring/"),
    ("statedb", "en/10-monitoring/"),
    ("Prometheus", "en/10-monitoring/"),
    ("message signing", "en/11-configuration/"),
    ("certificate", "en/11-configuration/"),
    ("tampered", "en/11-configuration/"),
    ("deserialize", "en/11-configuration/"),
    ("rediss", "en/11-configuration/"),
    ("loopback", "en/11-configuration/"),
    ("password", "en/11-configuration/"),
    ("periodic task", "en/09-beat/"),
    ("crontab", "en/09-beat/"),
    ("schedule file", "en/09-beat/"),
    ("celerybeat", "en/09-beat/"),
    ("sunset", "en/09-beat/"),
    ("RedBeat", "en/09-beat/"),
    ("fixture", "en/12-testing/"),
    ("embedded", "en/12-testing/"),
    ("heartbeat", "en/12-testing/"),
    ("mock", "en/12-testing/"),
    ("unittest", "en/12-testing/"),
    ("orchestrator", "en/13-production/"),
    ("upgrading", "en/13-production/"),
    ("logrotate", "en/13-production/"),
    ("visibility", "en/13-production/"),
    ("grace period", "en/13-production/"),
    ("taskset", "en/13-production/"),
    ("KillMode", "en/13-production/"),
    ("EnvironmentFile", "en/11-configuration/"),
    ("headers", "en/11-configuration/"),
]


def source_of(page: str) -> Path:
    """The Markdown file of a built page: '' -> docs/ko/index.md, 'en/02-app-tasks/' -> docs/en/02-app-tasks.md."""
    lang, slug = ("en", page[len("en/") :]) if page.startswith("en/") else ("ko", page)
    return ROOT / "docs" / lang / f"{slug.rstrip('/') or 'index'}.md"


def search(reader, queries: list[str], index: dict | None = None) -> dict[str, list[str]]:
    """Pages found for each query by Material's search worker, best first."""
    with reader.searching():
        reader.open("")
        return reader.page.evaluate(SEARCH_JS, {"queries": queries, "index": index})


@pytest.fixture(scope="module")
def found(reader):
    """Every query of both lists, run once (by the first test that asks) through the worker on the site's own index."""
    return Once(lambda: search(reader, [query for query, _ in KOREAN + ENGLISH]))


def check(found: dict, query: str, page: str) -> None:
    text = source_of(page).read_text(encoding="utf-8").lower()
    missing = [word for word in query.lower().split() if word not in text]
    assert missing == [], f"{missing} does not occur in {source_of(page).relative_to(ROOT)}: pick a term the page uses"
    pages = found()[query]
    assert page in pages[:MAX_RANK], (
        f"searching for {query!r} should find /{page} among the first {MAX_RANK} pages; it found "
        + (", ".join(f"/{p}" for p in pages) or "nothing")
    )


def test_the_lists_are_long_enough():
    assert len(KOREAN) >= 20 and len(ENGLISH) >= 20


@pytest.mark.parametrize("query, page", KOREAN, ids=[q for q, _ in KOREAN])
def test_korean_query_finds_its_page(found, query, page):
    check(found, query, page)


@pytest.mark.parametrize("query, page", ENGLISH, ids=[q for q, _ in ENGLISH])
def test_english_query_finds_its_page(found, query, page):
    check(found, query, page)


def test_what_korean_and_english_search_can_and_cannot_do(reader, site):
    """Each claim of the README's "Search in Korean", checked alone: the site's search settings on made-up pages."""
    config = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
    docs = [
        {"location": "retry/", "title": "retry", "text": "<p>실패한 태스크는 재시도(retry)합니다.</p>"},
        {"location": "registry/", "title": "registry", "text": "<p>태스크 레지스트리를 봅니다.</p>"},
        {"location": "names/", "title": "names", "text": "<p>tasks.math.add 태스크가 retrying 중입니다.</p>"},
    ]
    queries = ["retry", "재시도", "태스크", "레지스트", "스트리", "시도", "math", "retries"]
    found = {query: sorted(pages) for query, pages in search(reader, queries, {"config": config, "docs": docs}).items()}
    assert found["retry"] == ["names/", "retry/"], "the separator must split 재시도(retry) at the parenthesis"
    assert found["재시도"] == ["retry/"], "재시도(retry) must be found by its Korean word too"
    assert found["태스크"] == ["names/", "registry/", "retry/"], "a word is found whatever particle follows it"
    assert found["레지스트"] == ["registry/"], "a prefix finds the word: 레지스트 -> 레지스트리를"
    assert found["math"] == ["names/"], "dots separate words: tasks.math.add"
    cannot = {query: found[query] for query in ("스트리", "시도", "retries")}
    assert cannot == {"스트리": [], "시도": [], "retries": []}, (
        "search now finds words inside compounds or stems English; update the README's 'Search in Korean'"
    )
