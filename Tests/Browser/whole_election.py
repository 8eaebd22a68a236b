#!/usr/bin/env python3
"""A whole residents' committee election driven in the browser, from an empty database to a
record that `xuanyi verify` passes.

The law spreads an election over weeks (roll 20 days before election day, nominations closing
10 days before, the candidate list at least 5 days before), so the test runs on a rehearsal
database (`xuanyi init --rehearsal`) served three times with `--rehearsal-date`: 30 days
before election day, 7 days before, and on the day — the way an election committee practises.

  day −30  the administrator imports 30 residents from a GB18030 CSV (dry run first), creates
           the election committee's and two clerks' accounts; the committee creates the
           election, announces it, forms the election committee, builds and publishes the roll;
           nine people are nominated (one jointly by ten voters, eight by themselves) and accept.
  day −7   the committee publishes the candidate list; the public sees it and the ballot paper.
  day 0    the committee sets up the station and opens polling with electronic voting; three
           voters cast electronic ballots with voter cards (one downloads the receipt, one uses
           only the keyboard: Tab, typing, arrow keys, Enter); eleven
           are checked in at the box; the tellers' hand count; two clerks enter every paper twice;
           the boxes and the round close; the scrutineer signs each box's count sheet with their
           own password; the result is certified and countersigned by two of
           the three committee members with their own passwords; the record is downloaded and
           `xuanyi verify` passes it, with the receipt, and says it is a rehearsal.

Run alone: python3 Tests/Browser/whole_election.py [--binary …] [--screenshots …]
"""
import datetime, json, os, re, shutil, subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness as h
from harness import args, check, go, login, logout, shot, staleness_of, step, submit, work, xuanyi

# 13 couples (户主 and 配偶) in 13 households, four children; names with a compound surname and a
# character outside the Basic Multilingual Plane (𠮷).
COUPLES = [("张伟", "王芳"), ("刘洋", "李娜"), ("杨磊", "陈静"), ("黄强", "赵敏"), ("吴军", "周婷"), ("孙涛", "徐丽"), ("马超", "朱红"),
           ("胡斌", "郭霞"), ("何勇", "高燕"), ("林峰", "罗琳"), ("欧阳明", "司马倩"), ("吉𠮷", "梁秀兰"), ("宋志强", "郑桂英")]
CHILDREN = [("张小雨", 0, "女"), ("刘子涵", 1, "男"), ("杨一诺", 2, "女"), ("黄浩然", 3, "男")]
COMMITTEE = [("xw1", "张伟", "chair"), ("xw2", "王芳", "scrutineer"), ("xw3", "李娜", "member")]
CLERKS = ["lu1", "lu2"]
# The legal basis recorded for remote electronic voting (invented for the rehearsal).
REMOTE_BASIS = "演练用假设依据：某市居民委员会选举办法第二十条"
# post → nominees; the first 主任 nominee is nominated jointly by ten voters, the rest by themselves.
SLATE = {"director": ["杨磊", "黄强"], "deputyDirector": ["吴军", "孙涛"], "womenMember": ["陈静", "赵敏"], "member": ["周婷", "马超", "胡斌"]}
JOINT_NOMINATORS = ["徐丽", "朱红", "郭霞", "何勇", "高燕", "林峰", "罗琳", "欧阳明", "司马倩", "梁秀兰"]
SEATS = {"director": 1, "deputyDirector": 1, "womenMember": 1, "member": 2}
ELECTRONIC_VOTERS = ["宋志强", "郑桂英", "吉𠮷"]
PAPER_VOTERS = ["张伟", "王芳", "李娜", "刘洋", "杨磊", "黄强", "吴军", "孙涛", "陈静", "赵敏", "周婷"]


def id_number(birth, sequence):
    """A valid 18-character resident ID number (GB 11643) in 110101 with its check character."""
    body = f"110101{birth:%Y%m%d}{sequence:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def residents_csv(path):
    """Writes the residents in GB18030, as a street office's spreadsheet would; returns name → ID number."""
    rows, ids = [], {}
    counter = iter(range(100))

    def sequence(gender):
        """Distinct sequence numbers: odd for men, even for women."""
        return 101 + 2 * next(counter) + (0 if gender == "男" else 1)
    header = "姓名,公民身份号码,性别,民族,户号,与户主关系,楼栋,单元,房号,户籍地址,户籍在本社区,居住在本社区,居住起始日期,社区工作起始日期,联系电话,政治权利"
    for index, (husband, wife) in enumerate(COUPLES):
        household, building, room = f"H{index + 1:04d}", f"{index % 3 + 1}号楼", f"{index // 3 + 1}0{index % 2 + 1}"
        for offset, (name, gender, relation) in enumerate([(husband, "男", "户主"), (wife, "女", "配偶")]):
            birth = datetime.date(1958 + index * 2 + offset, 1 + index % 12, 3 + index)
            ids[name] = id_number(birth, sequence(gender))
            place = [building, "1单元", room] if relation == "户主" else ["", "", ""]
            rows.append([name, ids[name], gender, "汉族", household, relation, *place, f"北京市和平区安和街道{building}", "是", "是", "2005-06-01", "",
                         f"1390000{index:02d}{offset:02d}", "有"])
    for index, (name, parent, gender) in enumerate(CHILDREN):
        ids[name] = id_number(datetime.date(2013 + index, 5, 1 + index), sequence(gender))
        rows.append([name, ids[name], gender, "汉族", f"H{parent + 1:04d}", "子" if gender == "男" else "女", "", "", "", "", "是", "是", "2013-05-01", "", "", ""])
    with open(path, "wb") as file:
        file.write(("\r\n".join([header] + [",".join(row) for row in rows]) + "\r\n").encode("gb18030"))
    return ids


def serve_on(database, day, port):
    h.start_server(database, "--rehearsal-date", day.isoformat(), port=port)
    h.driver.delete_all_cookies()   # a restart is a new day: everyone signs in again
    go("/")
    check("rehearsal-banner" in h.driver.page_source and day.isoformat() in h.driver.page_source,
          f"the pages do not say it is a rehearsal on {day}")


def roll_numbers(election):
    """Name → roll number, read from the public roll."""
    page = go(f"/elections/{election}/roll")
    return {name: int(number) for number, name in re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", page)}


def form_actions(pattern):
    return re.findall(pattern, h.driver.page_source)


def mark_ballot(form_selector):
    """Approves the first `seats` candidates of every post (the others stay abstained) in the form."""
    for post, seats in SEATS.items():
        for position in range(1, seats + 1):
            radio = h.driver.find_elements(By.CSS_SELECTOR, f'{form_selector} input[type=radio][name="m.{post}.{position}"][value="approve"]')
            check(radio, f"no mark for {post} position {position}")
            radio[0].click()


def vote_by_keyboard(election, number, code):
    """Signs in, marks and casts with Tab, typing, arrow keys and Enter only; returns the receipt page."""
    from selenium.webdriver.common.keys import Keys

    def then_wait(*keys):
        old = h.driver.find_element(By.TAG_NAME, "html")
        h.press(*keys)
        WebDriverWait(h.driver, 30).until(staleness_of(old))
        h.audit_page()

    h.tab_to("v-number")
    h.press(str(number))
    h.tab_to("v-code")
    then_wait(code, Keys.ENTER)
    for post, seats in SEATS.items():
        for position in range(1, seats + 1):
            field = f"m.{post}.{position}"
            # Tab lands on a radio group's checked button (弃权); two steps up is 同意.
            h.tab_until(f"e.name === {json.dumps(field)}", field)
            h.press(Keys.UP, Keys.UP)
            check(h.driver.execute_script(f"return document.querySelector('input[name=\"{field}\"][value=approve]').checked"),
                  f"the arrow keys did not mark {field} 同意")
    h.tab_until("e.tagName === 'BUTTON' && e.closest('form') && e.closest('form').action.endsWith('/vote/review')", "the review button")
    then_wait(Keys.ENTER)
    h.tab_until("e.tagName === 'BUTTON' && e.closest('form') && e.closest('form').action.endsWith('/vote/cast')", "the cast button")
    then_wait(Keys.ENTER)
    return h.driver.page_source


def run():
    database = os.path.join(work, "rehearsal.sqlite")
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    election_day = today + datetime.timedelta(days=40)
    port = h.free_port()

    step("a new rehearsal database: xuanyi init --rehearsal prints the administrator's one-time password")
    made = xuanyi("init", "--database", database, "--community", "演练社区", "--street-office", "安和街道", "--district", "和平区", "--rehearsal")
    admin_password = re.search(r"admin password: (\S+)", made)
    check(admin_password and "rehearsal" in made, f"no admin password in: {made}")
    admin_password = admin_password.group(1)

    # ------------------------------------------------------------ 30 days before election day
    serve_on(database, election_day - datetime.timedelta(days=30), port)
    step("the administrator imports 30 residents from a GB18030 CSV file: a dry run, then for real")
    login("admin", admin_password)
    csv_path = os.path.join(work, "演练居民.csv")
    ids = residents_csv(csv_path)
    go("/residents/import")
    page = submit("/residents/import", {"dryRun": True}, files={"file": csv_path})
    check(re.search(r"GB18030 · 30 行", h.text(page)) and h.driver.find_elements(By.CSS_SELECTOR, "p.ok[role=status]"),
          f"the dry run did not read 30 rows of GB18030: {h.text(page)[:600]}")
    go("/residents/import")
    page = submit("/residents/import", files={"file": csv_path})
    check(re.search(r"导入成功：户数 / 人数 13 / 30", h.text(page)), f"13 households and 30 residents not imported: {h.text(page)[:600]}")
    go("/residents?q=吉")
    check("吉𠮷" in h.driver.page_source, "the resident with 𠮷 is not in the register")

    step("the administrator creates the election committee's and the clerks' own accounts")
    for username, name, _ in COMMITTEE:
        go("/admin")
        submit("/admin/accounts", {"username": username, "displayName": name, "password": h.password, "role": "committee", "idNumber": ids[name]})
    for username in CLERKS:
        go("/admin")
        submit("/admin/accounts", {"username": username, "displayName": f"录入员{username[-1]}", "password": h.password, "role": "clerk", "idNumber": ""})
    logout()

    step("the committee creates and announces the election, forms the election committee, builds and publishes the roll")
    login("xw1")
    go("/elections")
    submit("/elections", {"title": "演练社区第一届居民委员会选举", "method": "direct", "electionDay": election_day.isoformat()})
    election = re.search(r"/elections/(\d+)$", h.driver.current_url)
    check(election, f"not on the new election's page: {h.driver.current_url}")
    election = election.group(1)
    submit(f"/elections/{election}/announce")
    # Voters cast electronically from their own browsers below, which only remote electronic voting
    # allows, and only with its legal basis recorded (a rehearsal's is invented, and says so).
    go(f"/elections/{election}/rules")
    submit(f"/elections/{election}/rules", {"electronicVoting": "remote", "electronicVotingBasis": REMOTE_BASIS})
    check("electronicVotingBasis" in h.driver.page_source and REMOTE_BASIS in h.driver.page_source and not h.driver.find_elements(By.CSS_SELECTOR, "p.error"),
          "remote electronic voting with its legal basis was not saved")
    go(f"/elections/{election}/nominations")
    for username, name, role in COMMITTEE:
        submit(f"/elections/{election}/committee", {"username": username, "idNumber": ids[name], f"role.{role}": True})
    go(f"/elections/{election}")
    submit(f"/elections/{election}/roll/build")
    submit(f"/elections/{election}/roll/publish")
    shot("rehearsal-election-dashboard-zh")
    numbers = roll_numbers(election)
    check(len(numbers) == 26 and "张小雨" not in numbers, f"the roll should list the 26 adults, not the children: {sorted(numbers)}")
    shot("rehearsal-roll-phone", width=390)

    step("the other committee members sign in and set their own passwords: their countersigning keys exist before polling")
    logout()
    for username, _, _ in COMMITTEE[1:]:
        login(username)
        logout()
    login("xw1")

    step("nominations: one jointly by ten voters, eight self-nominations; every nominee accepts")
    go(f"/elections/{election}/nominations")
    for post, names in SLATE.items():
        for index, name in enumerate(names):
            joint = post == "director" and index == 0
            go(f"/elections/{election}/nominations")
            page = submit(f"/elections/{election}/nominations", {
                "post": post, "kind": "joint" if joint else "selfNomination", "nominee": str(numbers[name]),
                "nominators": " ".join(str(numbers[n]) for n in JOINT_NOMINATORS) if joint else "", "filerName": name})
            check("xyr1." in page, f"no signed receipt for the nomination of {name}")
    for _ in range(12):
        go(f"/elections/{election}/nominations")
        pending = form_actions(rf'action="(/elections/{election}/nominees/\d+/respond)"')
        if not pending: break
        submit(pending[0], {"education": "大专", "occupation": "社区志愿者", "statement": "愿为邻里服务"})   # the first button: accept
    check(not pending, "nominees still waiting for an answer")
    logout()

    # ------------------------------------------------------------ 7 days before
    serve_on(database, election_day - datetime.timedelta(days=7), port)
    step("seven days before: the committee publishes the candidate list; the public sees it and the ballot paper")
    login("xw1")
    go(f"/elections/{election}/nominations")
    submit(f"/elections/{election}/candidates/publish")
    logout()
    page = go(f"/elections/{election}/candidates")
    for names in SLATE.values():
        for name in names:
            check(name in page, f"{name} is not on the public candidate list")
    shot("rehearsal-candidates-en", lang="en")
    go("/lang/zh?back=/")
    page = go(f"/elections/{election}/ballot")
    check('class="rehearsal-mark"' in page, "the practice ballot paper does not carry its rehearsal mark")
    shot("rehearsal-ballot-print", print_media=True)

    # ------------------------------------------------------------ election day
    serve_on(database, election_day, port)
    step("election day: voter cards (before polling opens), a polling station, polling opened with electronic voting, a box")
    login("xw1")
    go(f"/elections/{election}")
    page = submit(f"/elections/{election}/cards", {"numbers": " ".join(str(numbers[n]) for n in ELECTRONIC_VOTERS)})
    codes = {}
    for card in h.driver.find_elements(By.CSS_SELECTOR, "section.voter-card"):
        number = card.find_elements(By.CSS_SELECTOR, "dd")[0].text.strip()
        codes[int(number)] = card.find_element(By.CSS_SELECTOR, "code").text.strip()
    check(sorted(codes) == sorted(numbers[n] for n in ELECTRONIC_VOTERS), f"voter cards for {ELECTRONIC_VOTERS} expected, got {sorted(codes)}")
    check(len(h.driver.find_elements(By.CSS_SELECTOR, "section.voter-card .rehearsal-mark")) == 3, "a practice voter card lacks its rehearsal mark")
    shot("rehearsal-voter-cards-print", print_media=True)
    go(f"/elections/{election}/polling")
    submit(f"/elections/{election}/stations", {"name": "社区服务中心", "kind": "central"})
    submit(f"/elections/{election}/polling/open", {"electronic": True})
    round_id = re.search(rf"/elections/{election}/rounds/(\d+)/boxes", h.driver.page_source)
    check(round_id, "no round after opening polling")
    round_id = round_id.group(1)
    # Only the electronic box so far: the check-in page says there is no box to issue into (issue 22 #10).
    go(f"/elections/{election}/rounds/{round_id}/check-in")
    check(h.driver.find_elements(By.ID, "no-boxes"), "the check-in page without a paper box gives no message")
    h.check_phone_width("the check-in page without a box")
    go(f"/elections/{election}/polling")
    submit(f"/elections/{election}/rounds/{round_id}/boxes", {"name": "1号票箱", "kind": "fixed"})
    boxes = sorted(set(int(b) for b in re.findall(rf"/elections/{election}/boxes/(\d+)", h.driver.page_source)))
    check(len(boxes) == 2, f"expected the electronic box and one paper box: {boxes}")
    # No card is issued or re-issued once polling is open.
    go(f"/elections/{election}")
    page = submit(f"/elections/{election}/cards", {"numbers": str(numbers[ELECTRONIC_VOTERS[0]])}, allow_error=True)
    check("Polling is open" in h.driver.page_source and not h.driver.find_elements(By.CSS_SELECTOR, "section.voter-card"),
          "a voter card was re-issued while polling was open")
    logout()

    step("three voters cast electronic ballots with their cards — the last with the keyboard only; the first downloads the receipt")
    receipt_path = None
    for name in ELECTRONIC_VOTERS:
        h.driver.delete_all_cookies()
        page = go(f"/elections/{election}/vote")
        check(REMOTE_BASIS in page, "the voting page does not show the legal basis of remote electronic voting")
        if name == ELECTRONIC_VOTERS[-1]:
            page = vote_by_keyboard(election, numbers[name], codes[numbers[name]])
        else:
            submit(f"/elections/{election}/vote/login", {"number": str(numbers[name]), "code": codes[numbers[name]]})
            mark_ballot(f'form[action$="/vote/review"]')
            old = h.driver.find_element(By.TAG_NAME, "html")
            h.driver.find_element(By.CSS_SELECTOR, 'form[action$="/vote/review"] button[type=submit]').click()
            WebDriverWait(h.driver, 30).until(staleness_of(old))
            h.audit_page()
            page = submit(f"/elections/{election}/vote/cast")
        tracking = re.search(rf"/elections/{election}/track/([0-9a-f]{{64}})", page)
        check(tracking and "xyr1." in page, f"no receipt for {name}")
        if receipt_path is None:
            for old_file in [f for f in os.listdir(work) if f.endswith(".json") and "receipt" in f]:
                os.remove(os.path.join(work, old_file))
            h.driver.find_element(By.CSS_SELECTOR, "a[download]").click()
            receipt_path = h.downloaded(".json", "receipt")
            check(json.load(open(receipt_path))["statement"]["tracking"] == tracking.group(1), "the downloaded receipt names another ballot")
    h.driver.delete_all_cookies()

    step("eleven voters are checked in at the paper box; the tellers count eleven papers")
    login("xw1")
    box = boxes[-1]
    for name in PAPER_VOTERS:
        go(f"/elections/{election}/rounds/{round_id}/check-in?box={box}&q={numbers[name]}")
        submit(f"/elections/{election}/rounds/{round_id}/check-in")
        check(h.driver.find_elements(By.CSS_SELECTOR, "pre.ok[role=status]"), f"{name} was not checked in")
    go(f"/elections/{election}/boxes/{box}")
    submit(f"/elections/{election}/boxes/{box}/hand-count", {"handCount": str(len(PAPER_VOTERS))})
    logout()
    # A second teller counts on their own; the two counts agree.
    login(CLERKS[0])
    go(f"/elections/{election}/boxes/{box}")
    page = submit(f"/elections/{election}/boxes/{box}/hand-count", {"handCount": str(len(PAPER_VOTERS))})
    check("两位计票人清点一致" in page, "the two tellers' counts did not agree")
    logout()

    step("two clerks each enter all eleven papers (pass A and pass B)")
    for clerk, entry_pass in zip(CLERKS, "AB"):
        login(clerk)
        for _ in PAPER_VOTERS:
            go(f"/elections/{election}/boxes/{box}?pass={entry_pass}")
            mark_ballot('form[action$="/entries"]')
            submit(f"/elections/{election}/boxes/{box}/entries", {"state": "marked"})
        logout()

    step("before the count the electronic box is sealed: its page offers the opening to two committee members")
    login("xw1")
    page = go(f"/elections/{election}/boxes/{boxes[0]}")
    check("密封的电子票箱" in page and 'name="username2"' in page, "the electronic box page does not offer the sealed box's opening to two members")
    step("two committee members open the sealed electronic box together, each with their own password; one wrong password is named and opens nothing")
    page = submit(f"/elections/{election}/boxes/{boxes[0]}/open", {"username1": "xw1", "password1": h.secret_of("xw1"), "username2": "xw2", "password2": "not-the-password"},
                  allow_error=True)
    check("的密码不正确" in page and "密封的电子票箱" in page, "a wrong password did not keep the box sealed")
    page = submit(f"/elections/{election}/boxes/{boxes[0]}/open", {"username1": "xw1", "password1": h.secret_of("xw1"), "username2": "xw2", "password2": h.secret_of("xw2")})
    check("已开箱" in page and "Box opened: 3" in page, "the sealed box did not open with two members' passwords")
    step("the committee closes the paper box and the round; the result is certified")
    go(f"/elections/{election}/boxes/{boxes[-1]}")
    submit(f"/elections/{election}/boxes/{boxes[-1]}/close", {"confirm": True})
    go(f"/elections/{election}/polling")
    submit(f"/elections/{election}/rounds/{round_id}/close", {"confirm": True})
    logout()

    step("the committee's scrutineer signs every box's count sheet with their own password (a wrong one signs nothing)")
    login("xw2")
    page = go(f"/elections/{election}/boxes/{boxes[0]}")
    check('id="count-sheet-unsigned"' in page and 'id="sign-count-sheet"' in page, "a closed box's page does not ask for its scrutineer's signature")
    page = submit(f"/elections/{election}/boxes/{boxes[0]}/count-sheet/sign", {"password": "not-the-password"}, allow_error=True)
    check('id="count-sheet-unsigned"' in page, "a wrong password signed the count sheet")
    for each in boxes:
        go(f"/elections/{election}/boxes/{each}")
        page = submit(f"/elections/{election}/boxes/{each}/count-sheet/sign", {"password": h.secret_of("xw2")})
        check("Count sheet signed by the scrutineer" in page and 'id="count-sheet-unsigned"' not in page, f"box {each}: the scrutineer's signature was not taken")
    shot("rehearsal-count-sheet-signed")
    logout()
    login("xw1")
    page = go(f"/elections/{election}/result")
    # The rehearsal's voters elect a married couple (same household): the result says so, for
    # the committee to act on (近亲属回避), without stopping the count.
    check("为近亲属（配偶）" in page, "the result does not name the close relatives elected together")
    shot("rehearsal-result-zh")
    submit(f"/elections/{election}/result/certify", {"confirm": True})
    logout()

    step("two of the three committee members countersign with their own passwords")
    for username in ("xw1", "xw2"):
        login(username)
        go(f"/elections/{election}/result/countersign")
        submit(f"/elections/{election}/result/countersign", {"password": h.secret_of(username)})
        logout()
    page = go(f"/elections/{election}/result")
    certificates = set(re.findall(rf'href="/elections/{election}/certificates/(\d+)"', page))
    check(len(certificates) == sum(SEATS.values()), f"{sum(SEATS.values())} members should be elected: {certificates}")
    certificate = re.search(rf'href="(/elections/{election}/certificates/\d+)"', page)
    check(certificate, "no certificate on the final result")
    page = go(certificate.group(1))
    check('class="rehearsal-mark"' in page, "the practice certificate does not carry its rehearsal mark")
    shot("rehearsal-certificate-print", print_media=True)

    step("the public record is downloaded; xuanyi verify passes it with the receipt and says it is a rehearsal")
    archive = h.fetch(f"/elections/{election}/record.zip", os.path.join(work, "rehearsal-record.zip"))
    anchor = re.search(r'id="election-key-fingerprint">([0-9a-f]{64})<', go(f"/elections/{election}/result"))
    check(anchor, "the result page does not show the election key's fingerprint")
    verified = subprocess.run([args.binary, "verify", archive, "--receipt", receipt_path, "--anchor", anchor.group(1), "--lang", "en"],
                              capture_output=True, text=True)
    report = verified.stdout
    check(verified.returncode == 0 and "VERDICT: PASS" in report, f"xuanyi verify failed: {report[-800:]}")
    check("14 ballots" in report and "result final" in report, f"expected 14 ballots and a final result: {report[-400:]}")
    check("NOTE: this record comes from a rehearsal" in report, "the verifier does not say the record is a rehearsal")
    as_json = json.loads(subprocess.run([args.binary, "verify", archive, "--json", "--anchor", anchor.group(1)], capture_output=True, text=True).stdout)
    check(as_json["verdict"] == "valid" and as_json["rehearsal"] is True and as_json["ballots"] == 14, f"verify --json: {str(as_json)[:300]}")
    h.stop_server()


if __name__ == "__main__":
    h.start_browser()
    try:
        run()
        print(f"whole election: {len(h.steps)} steps passed, {len(h.visited)} distinct pages checked; screenshots in {args.screenshots}")
    finally:
        h.driver.quit()
        h.stop_server()
    shutil.rmtree(work, ignore_errors=True)
