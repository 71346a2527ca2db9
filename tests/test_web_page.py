"""The page at / in a real headless Chromium: type a close, see the verdict and cues, use a rewrite, fit a phone.

Chromium is Debian's (`apt-get install chromium`; CI installs it), driven by Playwright. A missing browser
fails these tests rather than skipping them, so a CI run without it cannot pass quietly.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from closer_tone.api import Analyzer
from closer_tone.server import create_app

PASSIVE = "Thanks for your time today. Sorry, I guess I'll just wait to hear back."
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url(analyzer: Analyzer) -> Iterator[str]:
    """The real app under uvicorn on a loopback port the OS picked, served from a background thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(analyzer), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        thread.join(timeout=0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed (apt-get install -y chromium); the page tests need it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base_url)
    yield page
    context.close()
    assert errors == [], "the page logged errors"


def test_typing_shows_the_verdict_and_cues_and_a_rewrite_replaces_its_sentence(
    page: Page, analyzer: Analyzer, tmp_path: Path
) -> None:
    box = page.get_by_label("Your closing line, or your whole close")
    box.press_sequentially(PASSIVE, delay=5)
    expect(page.locator("#verdict-label")).to_have_text("passive")
    expect(page.locator("#verdict")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#meter")).to_be_visible()

    expected = analyzer.analyze(PASSIVE)
    marks = page.locator("mark.cue")
    expect(marks.first).to_be_visible()
    assert "I guess" in marks.all_inner_texts()
    guess = page.locator("mark.cue", has_text="I guess")
    message = next(cue.message for cue in expected.cues if cue.text == "I guess")
    assert message in (guess.get_attribute("title") or "")
    guess.focus()  # the keyboard reaches a cue, and its message shows beside the sentence
    expect(page.locator(".cue-note:visible")).to_contain_text(message)
    expect(page.locator("#checklist .missing")).to_have_count(
        sum(not item.present for item in expected.checklist), timeout=1000
    )

    page.screenshot(path=str(tmp_path / "passive.png"), full_page=True)
    flagged = next(sentence for sentence in expected.sentences if sentence.label == "passive")
    rewrite = flagged.rewrites[0].text
    after = PASSIVE[: flagged.start] + rewrite + PASSIVE[flagged.end :]
    assert analyzer.analyze(after).label == "assertive"
    sentence = page.locator("#sentences > li").nth(expected.sentences.index(flagged))
    sentence.get_by_role("button", name="Use this").first.click()
    expect(box).to_have_value(after)
    expect(page.locator("#verdict-label")).to_have_text("assertive")
    expect(page.locator("#statement-rewrite-note")).to_have_text("It already reads assertive: keep it.")

    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_the_statement_rewrite_replaces_the_whole_text(page: Page, analyzer: Analyzer) -> None:
    text = "Thanks for today, Priya. I need an answer by Friday or I'm taking the Acme offer."
    page.get_by_label("Your closing line, or your whole close").fill(text)
    expect(page.locator("#verdict-label")).to_have_text("aggressive")
    page.locator("#statement-rewrite-list").get_by_role("button", name="Use this").click()
    expect(page.locator("#text")).to_have_value(analyzer.analyze(text).rewrites[0].text)
    expect(page.locator("#verdict-label")).to_have_text("assertive")


def test_cues_are_placed_by_character_even_after_an_emoji(page: Page, analyzer: Analyzer) -> None:
    """Python counts code points and JavaScript UTF-16 units: the page must convert the offsets."""
    text = "🙂🙂 Thank you! Sorry, I guess I’ll just wait to hear back…"
    analysis = analyzer.analyze(text)
    page.locator("#text").fill(text)
    expect(page.locator("#verdict-label")).to_have_text(analysis.label or "")
    highlights: list[list[int]] = []  # overlapping cues share one highlight, as on the page
    for cue in sorted(analysis.cues, key=lambda cue: (cue.start, -cue.end)):
        if highlights and cue.start < highlights[-1][1]:
            highlights[-1][1] = max(highlights[-1][1], cue.end)
        else:
            highlights.append([cue.start, cue.end])
    assert "I guess" in [text[start:end] for start, end in highlights]
    expect(page.locator("mark.cue")).to_have_text([text[start:end] for start, end in highlights])


def test_text_that_cannot_be_judged_says_why(page: Page) -> None:
    page.locator("#text").fill("def close():\n    return 'thanks'")
    expect(page.locator("#verdict")).to_contain_text("Not judged: the text looks like code, not a closing line.")
    expect(page.locator("#details")).to_be_hidden()


def test_nothing_overflows_a_phone_screen(browser: Browser, base_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url)
    long_word = "Supercalifragilisticexpialidocious" * 3
    page.locator("#text").fill(f"Thanks for your time, {long_word}. Sorry, I guess I'll just wait to hear back.")
    expect(page.locator("#verdict-label")).to_have_text("passive")
    expect(page.locator("#sentences button").first).to_be_visible()
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]}px wide on a {width[1]}px screen"
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()
