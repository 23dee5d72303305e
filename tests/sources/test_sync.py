"""sync.log: devices, commands in any order, DEBUG payloads, the SendMail message."""

from hypothesis import given, strategies as st

from zimgraph.ingest.framing import Record, frame_records
from zimgraph.sources import sync
from zimgraph.sources.base import ParseContext, ParseError

CTX = ParseContext.for_tests()


def test_sample_file(samples):
    lines = (samples / "sync.log").read_text().split("\n")
    records = [r for r in map(Record._make, frame_records(iter(lines), "log4j")) if isinstance(r.text, str) and r.text]
    out = [sync.parse(r.text, CTX) for r in records]
    kinds = [o[0]["event"] if isinstance(o, list) else o.reason for o in out]
    assert kinds == ["sync: DEBUG payload"] * 4 + ["sync", "sync", "error"]
    sendmail = out[4][0]
    assert sendmail["message_id"] == "<B44F75D7-CA91-464B-9EA6-98D5DDAF3D73@qa.zimbra.in>"
    assert sendmail["recipient"] == "admin@qa.zimbra.in" and sendmail["device_id"] == "ApplDNPHG6NVDT9V"
    assert sendmail["device_type"] == "iPhone" and sendmail["soap_request"] == "SendMail"
    assert records[4].n_lines == 13
    error = out[6][0]
    assert error["device_id"] == "Appl5K0113UN3NR" and error["device_type"] == "iPhone"
    assert error["client_ip"] == "71.194.89.54"


def test_device_summary_line_gives_device_user_agent():
    [e] = sync.parse("2013-11-15 01:05:16,300 INFO  [qtp1-9:http://h/Microsoft-Server-ActiveSync?User=matt&DeviceId=ApplJ3049BA2Z38"
                     "&DeviceType=iPad&Cmd=Settings] [ip=10.112.205.193;] sync - User=matt; DeviceID=ApplJ3049BA2Z38; "
                     "DeviceType=iPad; UA=Apple-iPad1C1/902.206; Protocol=12.1; PolicyKey=313665661", CTX)
    assert (e["event"], e["user_agent"], e["device_id"], e["device_type"], e["account"]) == \
        ("sync_device", "Apple-iPad1C1/902.206", "ApplJ3049BA2Z38", "iPad", "matt")


def test_query_parameter_order_does_not_matter():
    [e] = sync.parse("2014-05-05 14:29:11,165 INFO  [qtp5-505:https://172.16.21.24:443/Microsoft-Server-ActiveSync?"
                     "Cmd=GetItemEstimate&User=s4&DeviceId=SEC15DBC0BEAFB46&DeviceType=SAMSUNGSGHI337] "
                     "[name=s4@mu12.corp.zimbra.com;mid=7;ip=172.16.31.51;DeviceID=SEC15DBC0BEAFB46;Cmd=GetItemEstimate;Version=2.5;] "
                     "sync - HTTP/1.1 200 OK", CTX)
    assert (e["device_type"], e["soap_request"], e["status"], e["outcome"]) == \
        ("SAMSUNGSGHI337", "GetItemEstimate", "200", "success")


@given(st.text())
def test_property_only_parse_errors(text):
    try:
        sync.parse(text, CTX)
    except ParseError:
        pass
