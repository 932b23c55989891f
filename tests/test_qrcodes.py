"""一案一码's codes are encoded once per address and kept from one build to the next (qrcodes.py).

The property: a page drawn from a kept code is the very page a fresh encoding draws; a store not
written by this user, or by another encoder, is not read; a full build keeps the codes of its own
pages and only those, a rebuild of a few pages adds its codes to the others.
"""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from generator import cache, qrcodes, shell
from generator.qrcodes import Store, encode, pack, qr_svg, unpack

from .test_reuse import build, files

URLS = ["https://zfgs.example.gov.cn/decisions/lsscjgj/2024-012/",
        "https://zfgs.example.gov.cn/decisions/lsscjgj/2024-009-rice-label/",
        "https://zfgs.example.gov.cn/" + "decisions/x/" * 12]


def no_encoder(url: str):
    raise AssertionError(f"encoded again: {url}")


@pytest.mark.parametrize("url", URLS)
def test_a_code_packed_and_unpacked_is_the_code_encoded(url: str):
    width, pixels = encode(url)
    assert len(pixels) == width * width and set(pixels) == {0, 255}
    assert len(pack(width, pixels)) == 1 + (width * width + 7) // 8
    assert unpack(pack(width, pixels)) == (width, pixels)


def test_a_store_saved_draws_the_same_codes_without_encoding_them(tmp_path: Path, monkeypatch):
    fresh = {url: qr_svg(url, "二维码") for url in URLS}
    store = qrcodes.Store.open(tmp_path)
    assert store.known == {}
    monkeypatch.setattr(qrcodes, "store", store)
    assert {url: qr_svg(url, "二维码") for url in URLS} == fresh
    made, used = store.take()
    assert sorted(made) == sorted(URLS) and used == URLS and store.made == {} and store.used == []
    store.add(made, used)
    store.save()
    assert (tmp_path / cache.CACHE_DIR / qrcodes.STORE_NAME).is_file()

    monkeypatch.setattr(qrcodes, "encode", no_encoder)
    monkeypatch.setattr(qrcodes, "store", Store.open(tmp_path))
    assert {url: qr_svg(url, "二维码") for url in URLS} == fresh
    assert qrcodes.store.made == {}


def test_a_full_build_keeps_only_the_codes_it_drew_and_a_partial_one_adds_its_own(tmp_path: Path):
    store = Store.open(tmp_path)
    for url in URLS:
        store.modules(url)
    store.save()
    assert sorted(Store.open(tmp_path).known) == sorted(URLS)

    new = URLS[0].replace("012", "013")
    partial = Store.open(tmp_path)
    partial.modules(new)  # a rebuild that drew one new page and kept the others as they were
    partial.save()
    assert sorted(Store.open(tmp_path).known) == sorted([*URLS, new])

    whole = Store.open(tmp_path)
    for url in (new, URLS[1]):  # a build of two of the four pages: the other two are gone
        whole.modules(url)
    whole.save()
    assert sorted(Store.open(tmp_path).known) == sorted([new, URLS[1]])


def test_a_store_holding_what_was_drawn_is_not_written_again(tmp_path: Path):
    store = Store.open(tmp_path)
    store.modules(URLS[0])
    store.save()
    path = tmp_path / cache.CACHE_DIR / qrcodes.STORE_NAME
    before = path.stat().st_mtime_ns, path.stat().st_ino
    again = Store.open(tmp_path)
    again.modules(URLS[0])
    again.save()
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


def _forged(tmp_path: Path, encoder: str, key: bytes | None) -> None:
    """A store of URLS[0] holding the code of another address, as `encoder`, signed with `key`."""
    data = marshal.dumps((qrcodes.FORMAT, encoder, {URLS[0]: pack(*encode(URLS[1]))}))
    signed = cache._mac(key, data) + data if key is not None else bytes(32) + data
    cache.write_atomic(tmp_path / cache.CACHE_DIR, qrcodes.STORE_NAME, signed)


@pytest.mark.parametrize("encoder, signed", [(qrcodes.ENCODER, False), ("zxing-cpp 0.1, ec_level=M", True)],
                         ids=["not-signed-by-this-user", "another-encoder"])
def test_a_store_not_signed_by_this_user_or_from_another_encoder_is_not_read(tmp_path: Path, encoder: str,
                                                                              signed: bool):
    _forged(tmp_path, encoder, cache._secret() if signed else None)
    store = Store.open(tmp_path)
    assert store.known == {}
    assert store.modules(URLS[0]) == encode(URLS[0])


def test_the_forgery_above_would_be_read_if_signed_by_this_user(tmp_path: Path):
    # The two tests above would pass on a store that reads nothing: this one shows it reads.
    _forged(tmp_path, qrcodes.ENCODER, cache._secret())
    assert Store.open(tmp_path).modules(URLS[0]) == encode(URLS[1])


@pytest.mark.parametrize("forked", [False, True], ids=["written-here", "by-forked-writers"])
def test_a_build_keeps_its_pages_codes_and_a_build_from_them_writes_the_same_site(cli, project: Path, monkeypatch,
                                                                                  forked: bool):
    monkeypatch.setattr(shell, "CODES_FROM", 0)  # the sample has fewer pages than are worth it by default
    if forked:
        monkeypatch.setattr(shell, "PARALLEL_FROM", 0)
        monkeypatch.setattr(shell, "processors", lambda: 2)
    site, again = project / "site", project.parent / "again"
    assert build(cli, project, site)[0] == 0
    store = Store.open(project)
    drawn = sorted(path.parent.relative_to(site).as_posix() for path in site.glob("decisions/*/*/index.html"))
    assert drawn and sorted(url.split("/", 3)[3].rstrip("/") for url in store.known) == drawn
    assert qrcodes.store is None  # let go of once the pages are written

    monkeypatch.setattr(qrcodes, "encode", no_encoder)
    assert build(cli, project, again)[0] == 0
    assert files(again) == files(site)


def test_a_build_without_the_cache_keeps_no_codes(cli, project: Path, monkeypatch):
    monkeypatch.setattr(shell, "CODES_FROM", 0)
    assert build(cli, project, project / "site", "--no-cache")[0] == 0
    assert not (project / cache.CACHE_DIR / qrcodes.STORE_NAME).exists()
