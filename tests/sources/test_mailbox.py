"""mailbox.log: the real sample lines and the RECONSTRUCTED shapes of FORMATS.md 1.6."""

from hypothesis import given, strategies as st

from zimgraph.sources import mailbox
from zimgraph.sources.base import ParseContext, ParseError

CTX = ParseContext.for_tests()
HEAD = "2026-11-12 10:00:00,000 INFO  [qtp1-2:https://mail.example.gov/service/soap/SendMsgRequest] " \
       "[name=victim@example.gov;mid=7;oip=10.0.0.9, 203.0.113.9;ua=python-requests/2.31;soapId=1f;] "


def one(line):
    events = mailbox.parse(line, CTX)
    assert isinstance(events, list) and len(events) == 1, events
    return events[0]


def test_sample_file_line_by_line(samples):
    lines = (samples / "mailbox.log").read_text().splitlines()
    out = [mailbox.parse(line, CTX) for line in lines]
    kinds = [o[0]["event"] if isinstance(o, list) else f"ignored: {o.reason}" for o in out]
    assert kinds == [
        "auth", "auth", "auth", "error", "auth", "auth", "auth",          # SoapEngine (4th: WARN handler exception)
        "soap", "soap", "soap", "soap", "soap", "soap",
        "soap", "log",                                                     # AuthRequest with oip list, gal
        "datasource", "log", "mailbox_op",
        "ignored: mailbox: pop3 session line", "ignored: mailbox: imap session line",
        "lmtp_delivery", "soap", "log",                                    # purge line has an account
        "ignored: mailbox: line without account, not analysed",           # [main] [] startup
        "error", "mailbox_op", "mailbox_op", "error", "error",
    ]
    first = out[0][0]
    assert (first["account"], first["client_ip"], first["user_agent"], first["soap_id"], first["detail"]) == \
        ("toto@test.fr", "192.168.7.101", "ZimbraWebClient - GC88 (Linux)", "9fd8101", "invalid password")
    smtp = out[1][0]
    assert (smtp["protocol"], smtp["account"], smtp["detail"]) == ("smtp", "toto.tata", "account not found")
    chain = out[13][0]
    assert chain["client_ip"] == "yyy.yyy.yyy.yyy" and chain["forwarded_for"] == "xxx.xxx.xxx.xxx, yyy.yyy.yyy.yyy"
    lmtp = out[20][0]
    assert (lmtp["sender"], lmtp["size"], lmtp["message_id"]) == \
        ("user4@mydomain.com", 4096, "<421926844.25781.2504914800041.JavaMail.zimbra@mydomain.com>")
    fatal = out[24][0]
    assert fatal["auth_account"] == "abcadmin@example.com" and fatal["account"] == "samd@example.com"


def test_soap_request_name_batch_and_proxy():
    e = one(HEAD + "soap - SendMsgRequest elapsed=42")
    assert (e["event"], e["soap_request"], e["client_ip"], e["forwarded_for"]) == \
        ("soap", "SendMsgRequest", "203.0.113.9", "10.0.0.9, 203.0.113.9")
    e = one(HEAD + "soap - (batch) GetMsgRequest elapsed=3")
    assert (e["soap_request"], e["detail"]) == ("GetMsgRequest", "batch")
    e = one(HEAD + "soap - GetInfoRequest proxy=mbx02.example.gov,elapsed=12")
    assert (e["soap_request"], e["relay"]) == ("GetInfoRequest", "mbx02.example.gov")


def test_imap_pop_logins_through_proxy():
    e = one("2018-09-18 00:21:18,787 INFO [ImapServer-138] [name=djd123@sjtu.edu.cn;ip=202.121.179.31;oip=220.181.15.247;"
            "via=iPhone Mail/(null),202.112.26.54(nginx/1.2.0-zimbra);ua=Zimbra/8.6.0_GA_1229;] imap - user "
            "djd123@sjtu.edu.cn authenticated, mechanism=LOGIN")
    assert (e["event"], e["outcome"], e["client_ip"], e["proxy_ip"], e["protocol"]) == \
        ("imap_login", "success", "220.181.15.247", "202.121.179.31", "imap")
    assert e["via"].startswith("iPhone Mail/(null)")
    e = one("2026-11-12 10:00:00,000 INFO  [Pop3SSLServer-4] [ip=10.0.0.2;oip=203.0.113.9;] pop - user Bob@example.gov "
            "authenticated, mechanism=PLAIN [TLS]")
    assert (e["event"], e["account"], e["detail"]) == ("pop_login", "bob@example.gov", "mechanism=PLAIN TLS")
    e = one("2026-11-12 10:00:00,000 INFO  [ImapServer-4] [ip=10.0.0.2;oip=203.0.113.9;] imap - authentication failed "
            "for [Bob] (invalid password)")
    assert (e["event"], e["outcome"], e["account"], e["account_typed"], e["detail"]) == \
        ("imap_login", "failure", "bob", "Bob", "invalid password")


def test_mta_send_reconstructed_shape():
    e = one(HEAD + "smtp - Sending message to MTA at mta01.example.gov: Message-ID=<1.2.1700000000.JavaMail.zimbra@example.gov>, "
            "replyType=r, size=2048, sender=victim@example.gov, nrcpts=2, to=a@evil.example, to=B@Other.example")
    assert (e["event"], e["message_id"], e["recipient"], e["sender"], e["size"], e["relay"]) == \
        ("mta_send", "<1.2.1700000000.JavaMail.zimbra@example.gov>", "a@evil.example,b@other.example",
         "victim@example.gov", 2048, "mta01.example.gov")
    assert "nrcpts=2" in e["detail"]


def test_filter_redirect_prefs_upload_mailop():
    e = one("2026-11-12 10:00:00,000 INFO  [LmtpServer-3] [name=victim@example.gov;mid=7;] filter - Redirecting message to drop@evil.example.")
    assert (e["event"], e["recipient"]) == ("filter_action", "drop@evil.example")
    e = one(HEAD + "account - Setting Preference attributes: [zimbraPrefMailForwardingAddress, zimbraPrefMailLocalDeliveryDisabled]")
    assert e["event"] == "prefs_change" and "zimbraPrefMailForwardingAddress" in e["detail"]
    e = one(HEAD + "FileUploadServlet - Received plain: Upload: { accountId=1, time=2, size=4269535, uploadId=3, "
            "name=Oct-2017.zip, path=/opt/zimbra/data/tmp/upload/upload__x.tmp }")
    assert (e["event"], e["filename"], e["size"]) == ("upload", "Oct-2017.zip", 4269535)
    e = one("2026-11-12 10:00:00,000 INFO  [LmtpServer-3] [name=v@example.gov;mid=7;] mailop - Adding Message: id=9, "
            "sender=x@evil.example, Message-ID=<abc@evil.example>, parentId=-1, folderId=2, folderName=Inbox acct=uuid.")
    assert (e["event"], e["sender"], e["message_id"]) == ("mailbox_op", "x@evil.example", "<abc@evil.example>")


def test_stack_trace_is_one_error_event(samples):
    record = (samples / "mailbox-stacktrace.log").read_text().rstrip("\n")
    e = one(record)
    assert e["event"] == "error" and e["level"] == "WARN"
    assert "header read leniently" in e["detail"]


def test_warn_with_stack_keeps_first_exception_line():
    e = one("2026-11-12 10:00:00,000 WARN  [qtp1-1:https://m/service/soap/] [name=a@b;] SoapEngine - handler exception\n"
            "com.zimbra.common.service.ServiceException: system failure\n\tat com.zimbra.X(X.java:1)")
    assert e["event"] == "error" and e["detail"] == "handler exception | com.zimbra.common.service.ServiceException: system failure"


@given(st.text())
def test_property_only_parse_errors(text):
    try:
        mailbox.parse(text, CTX)
    except ParseError:
        pass
