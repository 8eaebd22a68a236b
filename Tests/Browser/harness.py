"""Shared machinery of the browser end-to-end tests: the command-line options, steps that fail
loudly, servers started on 127.0.0.1 (stopped by `stop_server` and at exit), one headless
Chromium (selenium + Debian's chromium-driver), and page helpers that check every page they
visit for labelled inputs, keyboard reach, contrast and the absence of <script>.

The current server's address is `harness.base`, the browser `harness.driver`.
"""
import argparse, atexit, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request, zlib

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


# ---------------------------------------------------------------- server and browser
base = None
server = None
driver = None
visited = set()


def start_server(database, *extra, port=None):
    """Starts `xuanyi serve` on `database` (with `extra` options) and waits for /health."""
    global base, server
    stop_server()
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    with open(os.path.join(work, f"server-{port}.log"), "ab") as log:   # the child keeps its own descriptor
        server = subprocess.Popen([args.binary, "serve", "--database", database, "--port", str(port), *extra], stdout=log, stderr=log)
    for _ in range(300):
        if server.poll() is not None:
            fail(f"xuanyi serve {' '.join(extra)} exited: " + open(log.name, encoding="utf-8", errors="replace").read()[-800:])
        try:
            if urllib.request.urlopen(base + "/health", timeout=1).status == 200: return
        except OSError:
            time.sleep(0.1)
    fail(f"the server on port {port} did not answer")


def stop_server():
    if server is not None and server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill(); server.wait()


atexit.register(stop_server)


def start_browser():
    global driver
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": work, "download.prompt_for_download": False, "intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


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
            # The form's own action attribute: a search form without one posts to the page itself and must not match.
            forms = [f for f in driver.find_elements(By.TAG_NAME, "form") if (f.get_dom_attribute("action") or "").replace(base, "").split("?")[0] == action]
            check(forms, f"no form posting to {action} on {driver.current_url}")
            form = forms[0]
            # A form folded in <details> is opened the way a person would: by its summary.
            driver.execute_script("const d = arguments[0].closest('details'); if (d && !d.open) d.querySelector('summary').click();", form)
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


own_passwords = {}


def login(username, secret=None):
    """Signs in; an account whose password someone else chose (one-time) is sent to the page
    where its owner sets their own: that is done once, and the new password used from then on."""
    given = own_passwords.get(username, secret or password)
    go("/login")
    submit("/login", {"username": username, "password": given})
    if driver.current_url.split("?")[0].endswith("/account/password"):
        own = given + "-own"
        submit("/account/password", {"current": given, "password": own, "confirm": own})
        own_passwords[username] = own
        go("/login")
        submit("/login", {"username": username, "password": own})


def secret_of(username):
    """The password an account signs in with now (its own, once set)."""
    return own_passwords.get(username, password)


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



def tab_until(condition, what, limit=200):
    """Presses Tab until `condition` (JavaScript over `e`, the focused element) holds; fails
    naming `what` if the keyboard never gets there."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    for _ in range(limit):
        if driver.execute_script(f"const e = document.activeElement; return !!(e && ({condition}))"):
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    fail(f"Tab never reaches {what} on {driver.current_url}")


def tab_to(element_id, limit=40):
    """Presses Tab until the element with this id has the focus."""
    tab_until(f"e.id === {json.dumps(element_id)}", f"#{element_id}", limit)


def press(*keys):
    """Sends keys to the focused element, as a keyboard user would."""
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(driver).send_keys(*keys).perform()


def fetch(path, target):
    """Downloads `path` with the browser's cookies into the file `target`."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(base + path, headers={"Cookie": cookies})
    open(target, "wb").write(urllib.request.urlopen(request).read())
    return target


def downloaded(suffix, contains, timeout=5):
    """The path of a file the browser saved into `work`, waiting for it to finish."""
    for _ in range(int(timeout * 10)):
        found = [f for f in os.listdir(work) if f.endswith(suffix) and contains in f and not f.endswith(".crdownload")]
        if found: return os.path.join(work, found[0])
        time.sleep(0.1)
    fail(f"no *{contains}*{suffix} was downloaded")


def text(page):
    """A page's text without tags, for error messages."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# ---------------------------------------------------------------- printed documents and phone widths (issue 22 #6, #10)
MM = 96 / 25.4   # CSS pixels per millimetre


def print_pdf(name):
    """Prints the current page to A4 PDF the way Chromium's print dialog does (DevTools
    `Page.printToPDF`, the page's own @page margins), saves it as `name`.pdf beside the
    screenshots and returns (the PDF's bytes, its number of pages)."""
    import base64
    result = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 210 / 25.4, "paperHeight": 297 / 25.4,
                                                         "preferCSSPageSize": True, "printBackground": True})
    data = base64.b64decode(result["data"])
    open(os.path.join(args.screenshots, f"{name}.pdf"), "wb").write(data)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    check(pages >= 1, f"{name}.pdf: no /Type /Page object found ({len(data)} bytes)")
    return data, pages


def printed_text():
    """The text of the current page as printed (print media emulated: what `@media print`
    hides is left out)."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        return driver.execute_script("return document.body.innerText")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def latin_words(text, allowed=()):
    """Words in Latin letters in `text` other than those `allowed` (numbers are not words)."""
    return [w for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", text) if re.search(r"[A-Za-z]", w) and w not in allowed]


def check_phone_width(what, visible=(), width=390):
    """At a `width` px viewport the page does not scroll sideways, each selector in `visible`
    is on screen (scrolled to, inside the window's width) and no name in a `.nobreak` element
    is broken over lines. Returns the widths measured."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    try:
        scroll, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        check(inner == width, f"{what}: the window is {inner} px wide, not {width}")
        check(scroll <= inner, f"{what} at {width} px: the page is {scroll} px wide, wider than the window ({inner} px)")
        for selector in visible:
            where = driver.execute_script("""
                const e = document.querySelector(arguments[0]); if (!e) return 'missing';
                e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
                return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth ? 'ok' : JSON.stringify(r);""", selector)
            check(where == "ok", f"{what} at {width} px: {selector} is not on screen ({where})")
        broken = driver.execute_script("""
            return Array.from(document.querySelectorAll('.nobreak')).filter(e => {
              if (!e.textContent.trim() || e.offsetParent === null) return false;
              const range = document.createRange(); range.selectNodeContents(e);
              const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
              return tops.size > 1; }).map(e => e.textContent.trim().slice(0, 20));""")
        check(not broken, f"{what} at {width} px: names broken over lines: {broken}")
        print(f"  {what} at {width} px: page {scroll} px wide in a {inner} px window", flush=True)
        return scroll, inner
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
