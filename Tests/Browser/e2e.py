#!/usr/bin/env python3
"""Browser end-to-end tests: the real server driven in headless Chromium (selenium + Debian's
chromium-driver), the way residents, clerks and the committee use it — no JavaScript needed.

Flows:
  garden   — a household signs in with its card, submits a motion with a photo, another household
             co-signs, the committee accepts it, holds a meeting (late notice with reason, check-in,
             quorum, vote), implements it (owner, milestone, completion), households rate it, the
             committee closes the evaluation; the board and the month's report show it.
  election — a voter logs in with a voter card, marks, reviews and casts an electronic ballot,
             downloads the receipt, checks it on the tracking page; the committee checks a voter in
             at the polling page; a clerk imports residents (dry run, then for real); paper ballots
             are counted by hand and entered twice by two clerks and the box closes with its signed
             count sheet; the previous term's record is downloaded and passes `xuanyi verify`.
Every page visited is checked for labelled inputs, controls the keyboard can reach, text contrast of
at least 4.5:1 and the absence of <script>; screenshots of
key pages (zh and en, desktop and 390 px phones, print media for the ballot paper and the
certificate) go to --screenshots.

Usage: python3 Tests/Browser/e2e.py [--binary .build/debug/xuanyi] [--screenshots DIR]
Exits non-zero at the first failed step, naming it.
"""
import argparse, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request, zlib

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=os.path.join(root, ".build", "debug", "xuanyi"))
parser.add_argument("--screenshots", default=os.path.join(root, ".build", "browser-screenshots"))
args = parser.parse_args()
os.makedirs(args.screenshots, exist_ok=True)
work = tempfile.mkdtemp(prefix="xuanyi-e2e-")
database = os.path.join(work, "e2e.sqlite")
password = "e2e-password-123"
steps = []


def step(name):
    steps.append(name)
    print(f"· {name}", flush=True)


def fail(message):
    print(f"FAILED at step '{steps[-1] if steps else 'setup'}': {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def check(condition, message):
    if not condition:
        fail(message)


def xuanyi(*arguments):
    result = subprocess.run([args.binary, *arguments], capture_output=True, text=True)
    check(result.returncode == 0, f"xuanyi {' '.join(arguments)} failed: {result.stderr.strip()}")
    return result.stdout


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def png(width=8, height=8):
    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# ---------------------------------------------------------------- setup
step("seed the demo community and issue a voter card")
demo = xuanyi("demo", "--no-serve", "--database", database, "--households", "300", "--admin-password", password)
cards = dict(re.findall(r"(H\d{5}) ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=U])", demo))
check(len(cards) >= 2, f"household cards not found in the demo output: {demo}")
import sqlite3
db = sqlite3.connect(database)
round_id = db.execute("SELECT id FROM pollingRound WHERE electionID = 1 ORDER BY number LIMIT 1").fetchone()[0]
voter_numbers = [n for (n,) in db.execute("""
    SELECT number FROM rollEntry WHERE electionID = 1 AND active AND id NOT IN (SELECT rollEntryID FROM checkIn WHERE roundID = ?)
      AND residentID NOT IN (SELECT residentID FROM candidate WHERE electionID = 1) ORDER BY number DESC LIMIT 2""", (round_id,))]
db.close()
cards_file = os.path.join(work, "voter-cards.csv")
xuanyi("roll", "cards", "--election", "1", "--numbers", str(voter_numbers[0]), "--out", cards_file, "--database", database)
voter_code = open(cards_file, encoding="utf-8-sig").read().splitlines()[1].split(",")[2]
port = free_port()
base = f"http://127.0.0.1:{port}"
server = subprocess.Popen([args.binary, "serve", "--database", database, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_server():
    if server.poll() is None:
        server.terminate(); server.wait(timeout=20)


for _ in range(150):
    try:
        if urllib.request.urlopen(base + "/health", timeout=1).status == 200: break
    except OSError:
        time.sleep(0.1)

options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN", "--window-size=1280,1000"):
    options.add_argument(flag)
options.add_experimental_option("prefs", {"download.default_directory": work, "download.prompt_for_download": False, "intl.accept_languages": "zh-CN,zh"})
driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)
visited = set()


def audit_page():
    """Labels on every input, no script, on each page the first time it is seen."""
    path = driver.current_url.split("?")[0].replace(base, "")
    key = re.sub(r"\d+", "N", path)
    if key in visited: return
    visited.add(key)
    check(not driver.find_elements(By.TAG_NAME, "script"), f"{path} uses <script>")
    unlabeled = driver.execute_script("""
        return Array.from(document.querySelectorAll('input, select, textarea')).filter(e => {
          if (e.type === 'hidden' || e.type === 'submit') return false;
          if (e.getAttribute('aria-label') || e.closest('label')) return false;
          return !(e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]'));
        }).map(e => e.name || e.id || e.outerHTML.slice(0, 60));""")
    check(not unlabeled, f"{path}: inputs without a label: {unlabeled}")
    # Keyboard-only use: nothing taken out of the tab order, nothing that acts only on a click.
    untabbable = driver.execute_script("""
        return Array.from(document.querySelectorAll('a[href], button, input, select, textarea'))
          .filter(e => e.getAttribute('tabindex') === '-1' || e.hasAttribute('onclick')).map(e => e.outerHTML.slice(0, 60));""")
    check(not untabbable, f"{path}: controls out of the keyboard's reach: {untabbable}")
    # Contrast (WCAG AA, 4.5:1) of every text element against the background it sits on.
    low = driver.execute_script("""
        function rgb(c) { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
        function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                          return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
        function background(e) { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; }
                                 return {r: 255, g: 255, b: 255, a: 1}; }
        const out = [];
        for (const e of document.querySelectorAll('p, a, td, th, label, button, h1, h2, h3, dd, dt, li, span, legend, summary')) {
          if (!e.textContent.trim() || e.offsetParent === null) continue;
          const fg = rgb(getComputedStyle(e).color), bg = background(e);
          const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          const ratio = (hi + 0.05) / (lo + 0.05);
          if (ratio < 4.5) out.push(e.tagName + ' "' + e.textContent.trim().slice(0, 20) + '" ' + ratio.toFixed(2));
        }
        return out.slice(0, 5);""")
    check(not low, f"{path}: text below 4.5:1 contrast: {low}")


def go(path):
    driver.get(base + path)
    audit_page()
    return driver.page_source


def staleness_of(element):
    """Waits until `element` belongs to a page that is gone and the new page has loaded.
    Chromium may report a node of the old page as "not belonging to the document" instead of
    stale; both mean the navigation happened."""
    from selenium.common.exceptions import WebDriverException

    def gone(driver):
        try:
            element.tag_name
            return False
        except WebDriverException:
            return driver.execute_script("return document.readyState") == "complete"
    return gone


def submit(action, fields=None, files=None, button_index=0, allow_error=False):
    """Fills the form whose action is `action` and submits it with its (first) button. The
    form is found afresh on each of up to three attempts (Chromium sometimes reports a node
    from the previous page right after a load)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import Select
    for attempt in range(3):
        clicked = False
        try:
            forms = [f for f in driver.find_elements(By.TAG_NAME, "form") if (f.get_attribute("action") or "").replace(base, "").split("?")[0] == action]
            check(forms, f"no form posting to {action} on {driver.current_url}")
            form = forms[0]
            for name, value in (fields or {}).items():
                element = form.find_element(By.NAME, name)
                kind = element.get_attribute("type")
                if element.tag_name == "select":
                    Select(element).select_by_value(value)
                elif kind == "radio":
                    form.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()
                elif kind == "date":
                    driver.execute_script("arguments[0].value = arguments[1]", element, value)
                elif kind == "checkbox":
                    if element.is_selected() != bool(value): element.click()
                else:
                    element.clear(); element.send_keys(value)
            for name, path in (files or {}).items():
                form.find_element(By.NAME, name).send_keys(path)
            old = driver.find_element(By.TAG_NAME, "html")
            button = form.find_elements(By.CSS_SELECTOR, "button[type=submit], button:not([type])")[button_index]
            clicked = True
            button.click()
            WebDriverWait(driver, 30).until(staleness_of(old))
            break
        except WebDriverException:
            # Retry only what failed before the click: never submit a form twice.
            if clicked or attempt == 2: raise
            time.sleep(0.3)
    audit_page()
    error = driver.find_elements(By.CSS_SELECTOR, "p.error[role=alert]")
    if error and not allow_error:
        fail(f"{action} answered: {error[0].text}")
    return driver.page_source


def login(username):
    go("/login")
    submit("/login", {"username": username, "password": password})


def logout():
    driver.delete_all_cookies()


def shot(name, width=1280, print_media=False, lang=None):
    if lang:
        driver.get(f"{base}/lang/{lang}?back=" + driver.current_url.replace(base, ""))
    driver.set_window_size(width, 1000)
    if print_media:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    height = driver.execute_script("return Math.min(document.body.scrollHeight, 6000)")
    driver.set_window_size(width, max(600, height))
    driver.save_screenshot(os.path.join(args.screenshots, f"{name}.png"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.set_window_size(1280, 1000)


try:
    # ------------------------------------------------------------ garden
    step("a household signs in with its card and submits a motion with a photo")
    go("/garden/sign-in")
    submit("/garden/sign-in", {"household": "H00001", "code": cards["H00001"]})
    photo = os.path.join(work, "lift.png")
    open(photo, "wb").write(png())
    go("/motions/new")
    page = submit("/motions", {"title": "二号楼电梯按钮失灵", "description": "二号楼电梯的楼层按钮失灵一周，请尽快维修。", "category": "facilities", "building": "2号楼"},
                  files={"photo": photo})
    number = re.search(r'/motions/(\d{4}-\d{4})"', page)
    if not (number and "xyr1." in page):
        driver.save_screenshot(os.path.join(args.screenshots, "failure.png"))
        fail("no receipt after submitting: " + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[:600])
    number = number.group(1)
    shot("motion-receipt-zh")
    go(f"/motions/{number}")
    check("二号楼电梯按钮失灵" in driver.page_source and f"/motions/{number}/photo" in driver.page_source, "the motion page lacks the motion or its photo")
    shot("motion-zh-phone", width=390)

    step("another household co-signs using the keyboard only (Tab, typing, Enter)")
    logout()
    go("/garden/sign-in")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    def tab_to(element_id, limit=40):
        """Presses Tab until the element has the focus; fails if it never gets it."""
        for _ in range(limit):
            if driver.execute_script("return document.activeElement && document.activeElement.id") == element_id:
                return
            ActionChains(driver).send_keys(Keys.TAB).perform()
        fail(f"Tab never reaches #{element_id} on {driver.current_url}")

    tab_to("household")
    ActionChains(driver).send_keys("H00002").perform()
    tab_to("code")
    old_page = driver.find_element(By.TAG_NAME, "html")
    ActionChains(driver).send_keys(cards["H00002"], Keys.ENTER).perform()
    WebDriverWait(driver, 30).until(staleness_of(old_page))
    check(driver.get_cookie("xy_household") is not None, "keyboard sign-in did not sign in")
    go(f"/motions/{number}")
    submit(f"/motions/{number}/support")
    check("本户已附议" in driver.page_source, "support not shown")

    step("the committee accepts the motion and holds a meeting with a late notice")
    logout()
    login("zhuren")
    go(f"/motions/{number}")
    submit(f"/motions/{number}/transition", {"reason": "属电梯维保事项"})   # the first action form: accept
    check("已受理" in driver.page_source, "not accepted")
    go("/meetings")
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    recorder = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#recorder option") if "jilu" in o.text][0]
    submit("/meetings", {"kind": "councilMeeting:council", "title": "临时议事园会议", "date": today, "time": "19:00", "venue": "社区会议室", "recorder": recorder})
    meeting = re.search(r"/meetings/(\d+)", driver.current_url).group(1)
    submit(f"/meetings/{meeting}/items", {"motion": number})
    page = submit(f"/meetings/{meeting}/publish-notice", {"lateReason": ""}, allow_error=True)
    check("at least 10 days" in page, "a late notice without a reason was not refused")
    submit(f"/meetings/{meeting}/publish-notice", {"lateReason": "电梯故障影响老人出行，紧急议定"})
    go(f"/meetings/{meeting}/notice")
    shot("meeting-notice-print", print_media=True)
    go(f"/meetings/{meeting}")
    submit(f"/meetings/{meeting}/open")
    for _ in range(5):
        buttons = [f for f in driver.find_elements(By.TAG_NAME, "form") if "/attendance/" in (f.get_attribute("action") or "")
                   and f.find_elements(By.CSS_SELECTOR, 'input[name="action"][value="arrive"]')]
        check(buttons, "no attendee to check in")
        old = driver.find_element(By.TAG_NAME, "html")
        buttons[0].find_element(By.TAG_NAME, "button").click()
        WebDriverWait(driver, 30).until(staleness_of(old))
    check("已达法定人数" in driver.page_source, "quorum not reached after 5 of 9 members")
    shot("attendance-zh")
    go(f"/meetings/{meeting}")
    item = re.search(rf"/meetings/{meeting}/items/(\d+)/vote", driver.page_source).group(1)
    submit(f"/meetings/{meeting}/items/{item}/vote", {"for": "5", "against": "0", "abstain": "0"})
    submit(f"/meetings/{meeting}/close")
    check("已结束" in driver.page_source, "meeting not closed")

    step("implementation: owner, milestone, completion")
    go(f"/motions/{number}")
    check("表决通过" in driver.page_source, "motion not passed")
    submit(f"/motions/{number}/implementation", {"ownerKind": "unit", "owner": "安和电梯维保公司"})
    submit(f"/motions/{number}/milestones", {"title": "更换按钮面板", "due": today})
    milestone = re.search(rf"/motions/{number}/milestones/(\d+)/done", driver.page_source).group(1)
    submit(f"/motions/{number}/milestones/{milestone}/done", {"note": "已更换"})
    submit(f"/motions/{number}/complete", {"completion": "已更换二号楼全部按钮面板并试运行。"})
    check("已办结" in driver.page_source, "not completed")

    step("households rate it; the committee closes the evaluation")
    for household in ("H00001", "H00002"):
        logout()
        go("/garden/sign-in")
        submit("/garden/sign-in", {"household": household, "code": cards[household]})
        go(f"/motions/{number}")
        submit(f"/motions/{number}/ratings", {"rating": "satisfied", "comment": "修得很快"})
        check("本户已评议" in driver.page_source, f"{household}'s rating not taken")
    logout()
    go(f"/motions/{number}")
    check("满意率" in driver.page_source and "100.0%" in driver.page_source, "rating totals not public")
    login("zhuren")
    go(f"/motions/{number}")
    submit(f"/motions/{number}/evaluation/close")
    check("已评议" in driver.page_source, "evaluation not closed")
    logout()
    go("/board")
    check(number in driver.page_source, "the board does not list the motion")
    shot("board-zh-phone", width=390)
    go("/text/large?back=/board")
    check("large-text" in driver.page_source, "large text did not switch on")
    shot("board-large-text-phone", width=390)
    go("/text/normal?back=/board")
    shot("board-en", lang="en")
    go("/lang/zh?back=/")
    go("/board/report?month=" + today[:7])
    check("居务公开月报" in driver.page_source, "no monthly report")
    shot("board-report-print", print_media=True)

    # ------------------------------------------------------------ election
    step("a voter casts an electronic ballot with a voter card and downloads the receipt")
    go("/elections/1/vote")
    submit("/elections/1/vote/login", {"number": str(voter_numbers[0]), "code": voter_code})
    check("/vote/review" in driver.page_source, "no ballot after logging in with the card")
    shot("vote-ballot-zh-phone", width=390)
    radios = {}
    for radio in driver.find_elements(By.CSS_SELECTOR, 'input[type=radio][value="approve"]'):
        radios.setdefault(radio.get_attribute("name").rsplit(".", 1)[0], radio)
    for radio in radios.values():
        radio.click()
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, 'form[action$="/vote/review"] button[type=submit]').click()
    WebDriverWait(driver, 30).until(staleness_of(old))
    audit_page()
    submit("/elections/1/vote/cast")
    page = driver.page_source
    tracking = re.search(r"/elections/1/track/([0-9a-f]{64})", page)
    check(tracking and "xyr1." in page, "no receipt after casting")
    shot("vote-receipt-zh")
    tracking = tracking.group(1)
    driver.find_element(By.CSS_SELECTOR, "a[download]").click()
    receipt = os.path.join(work, "receipt.json")
    for _ in range(50):
        found = [f for f in os.listdir(work) if f.endswith(".json") and "receipt" in f and not f.endswith(".crdownload")]
        if found: receipt = os.path.join(work, found[0]); break
        time.sleep(0.1)
    check(os.path.exists(receipt), "the receipt was not downloaded")
    statement = json.load(open(receipt))["statement"]
    check(statement["tracking"] == tracking, "the downloaded receipt names another ballot")
    go(f"/elections/1/track/{tracking}")
    check(tracking[:16] in driver.page_source, "the tracking page does not find the ballot")

    step("the committee checks a voter in at the polling page")
    login("admin")
    go(f"/elections/1/rounds/{round_id}/check-in?q={voter_numbers[1]}")
    shot("check-in-zh")
    forms = [f for f in driver.find_elements(By.TAG_NAME, "form") if (f.get_attribute("action") or "").endswith("/check-ins") or "check-in" in (f.get_attribute("action") or "")]
    check(forms, "no check-in form")

    step("a clerk imports residents from a CSV file: a dry run first, then for real")
    go("/residents/import")
    sample = os.path.join(root, "docs", "samples", "residents.csv")
    page = submit("/residents/import", {"dryRun": True}, files={"file": sample})
    check("/residents/import" in page and not driver.find_elements(By.CSS_SELECTOR, "p.error"), "the dry run reported problems")
    go("/residents/import")
    page = submit("/residents/import", files={"file": sample})
    shot("residents-import-zh")

    step("paper ballots: the tellers' hand count, pass A and pass B by two clerks, the box closes with a signed count sheet")
    box = 3
    go(f"/elections/1/boxes/{box}")
    submit(f"/elections/1/boxes/{box}/hand-count", {"handCount": "2"})

    def enter_papers(pass_name):
        for _ in range(2):
            go(f"/elections/1/boxes/{box}?pass={pass_name}")
            posts = {}
            for radio in driver.find_elements(By.CSS_SELECTOR, 'form[action$="/entries"] input[type=radio][value="approve"]'):
                posts.setdefault(radio.get_attribute("name").rsplit(".", 1)[0], radio.get_attribute("name"))
            submit(f"/elections/1/boxes/{box}/entries", {"state": "marked", **{name: "approve" for name in posts.values()}})
    enter_papers("A")
    logout()
    login("jilu")
    enter_papers("B")
    shot("box-entry-zh")
    logout()
    login("admin")
    go(f"/elections/1/boxes/{box}")
    page = submit(f"/elections/1/boxes/{box}/close")
    check("xyr1." in page or "count-sheet" in page, "the box did not close with a signed count sheet")

    step("print pages: the ballot paper and a certificate")
    go("/elections/1/ballot")
    shot("ballot-print", print_media=True)
    certificate = re.search(r'href="(/elections/2/certificates/\d+)"', go("/elections/2/result"))
    check(certificate, "no certificate link on the previous term's result")
    go(certificate.group(1))
    shot("certificate-print", print_media=True)
    shot("result-en", lang="en")

    step("download the previous term's public record and verify it with xuanyi verify")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(base + "/elections/2/record.zip", headers={"Cookie": cookies})
    archive = os.path.join(work, "record.zip")
    open(archive, "wb").write(urllib.request.urlopen(request).read())
    verified = subprocess.run([args.binary, "verify", archive, "--lang", "en"], capture_output=True, text=True)
    check(verified.returncode == 0 and "VERDICT: PASS" in verified.stdout, f"xuanyi verify failed: {verified.stdout[-500:]}")
    print(f"browser end-to-end: {len(steps)} steps passed, {len(visited)} distinct pages checked for labels, keyboard reach, contrast (4.5:1) and scripts; screenshots in {args.screenshots}")
finally:
    driver.quit()
    stop_server()
shutil.rmtree(work, ignore_errors=True)
