"""The exact bytes of answers (spec §5). Expected bodies are written out literally."""

from __future__ import annotations

from mock_ecs.protocol import errors
from mock_ecs.protocol.render import CONTENT_TYPES, Body, Items, error_body, render, success_body
from mock_ecs.protocol.request import Format

RID = "6E9E4B07-0000-4000-8000-00000000C0DE"


def _reboot_body(*responses: Body) -> Body:
    return {"InstanceResponses": Items("InstanceResponse", list(responses))}


def _instance_response(instance_id: str) -> Body:
    # In the documented order: Message, InstanceId, PreviousStatus, CurrentStatus, Code.
    return {
        "Message": "success",
        "InstanceId": instance_id,
        "PreviousStatus": "Running",
        "CurrentStatus": "Stopping",
        "Code": "200",
    }


def test_success_in_json() -> None:
    body = success_body(RID, _reboot_body(_instance_response("i-1")))
    assert render("RebootInstancesResponse", body, Format.JSON) == (
        b'{"RequestId":"6E9E4B07-0000-4000-8000-00000000C0DE","InstanceResponses":{"InstanceResponse":'
        b'[{"Message":"success","InstanceId":"i-1","PreviousStatus":"Running","CurrentStatus":"Stopping",'
        b'"Code":"200"}]}}'
    )


def test_success_in_xml() -> None:
    body = success_body(RID, _reboot_body(_instance_response("i-1"), _instance_response("i-2")))
    assert render("RebootInstancesResponse", body, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><RebootInstancesResponse>"
        b"<RequestId>6E9E4B07-0000-4000-8000-00000000C0DE</RequestId><InstanceResponses>"
        b"<InstanceResponse><Message>success</Message><InstanceId>i-1</InstanceId>"
        b"<PreviousStatus>Running</PreviousStatus><CurrentStatus>Stopping</CurrentStatus><Code>200</Code>"
        b"</InstanceResponse>"
        b"<InstanceResponse><Message>success</Message><InstanceId>i-2</InstanceId>"
        b"<PreviousStatus>Running</PreviousStatus><CurrentStatus>Stopping</CurrentStatus><Code>200</Code>"
        b"</InstanceResponse></InstanceResponses></RebootInstancesResponse>"
    )


def test_error_in_json() -> None:
    body = error_body(errors.INVALID_PARAMETER(name="DryRun"), RID, "ecs.aliyuncs.com", "Ecs")
    assert render("Error", body, Format.JSON) == (
        b'{"RequestId":"6E9E4B07-0000-4000-8000-00000000C0DE","HostId":"ecs.aliyuncs.com",'
        b'"Code":"InvalidParameter","Message":"The specified parameter \\"DryRun\\" is not valid.",'
        b'"Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidParameter&product=Ecs'
        b'&requestId=6E9E4B07-0000-4000-8000-00000000C0DE"}'
    )


def test_error_in_xml() -> None:
    body = error_body(errors.INVALID_PARAMETER(name="DryRun"), RID, "ecs.aliyuncs.com", "Ecs")
    assert render("Error", body, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><Error>"
        b"<RequestId>6E9E4B07-0000-4000-8000-00000000C0DE</RequestId><HostId>ecs.aliyuncs.com</HostId>"
        b'<Code>InvalidParameter</Code><Message>The specified parameter "DryRun" is not valid.</Message>'
        b"<Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=InvalidParameter&product=Ecs"
        b"&requestId=6E9E4B07-0000-4000-8000-00000000C0DE]]></Recommend></Error>"
    )


def test_a_list_of_one_is_still_an_array_in_json() -> None:
    body = {"Regions": Items("Region", [{"RegionId": "cn-hangzhou"}])}
    assert render("R", body, Format.JSON) == b'{"Regions":{"Region":[{"RegionId":"cn-hangzhou"}]}}'


def test_a_list_of_scalars() -> None:
    body = {"SecurityGroupIds": Items("SecurityGroupId", ["sg-1", "sg-2"])}
    assert render("R", body, Format.JSON) == b'{"SecurityGroupIds":{"SecurityGroupId":["sg-1","sg-2"]}}'
    assert render("R", body, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><R><SecurityGroupIds>"
        b"<SecurityGroupId>sg-1</SecurityGroupId><SecurityGroupId>sg-2</SecurityGroupId>"
        b"</SecurityGroupIds></R>"
    )


def test_an_empty_list_is_an_empty_wrapper() -> None:
    body = {"OperationLocks": Items("LockReason", [])}
    assert render("R", body, Format.JSON) == b'{"OperationLocks":{"LockReason":[]}}'
    assert render("R", body, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><R><OperationLocks></OperationLocks></R>"
    )


def test_an_empty_value_is_an_open_and_close_tag_in_xml() -> None:
    assert render("R", {"A": None, "B": "", "C": {}}, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><R><A></A><B></B><C></C></R>"
    )


def test_numbers_and_booleans_keep_their_json_type() -> None:
    body = {"TotalCount": 2, "Cpu": 2.5, "DeletionProtection": False}
    assert render("R", body, Format.JSON) == b'{"TotalCount":2,"Cpu":2.5,"DeletionProtection":false}'
    assert render("R", body, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><R><TotalCount>2</TotalCount><Cpu>2.5</Cpu>"
        b"<DeletionProtection>false</DeletionProtection></R>"
    )


def test_non_ascii_text_is_utf8_in_both_formats() -> None:
    body = {"LocalName": "华东1杭州"}
    expected = "华东1杭州".encode()
    assert render("R", body, Format.JSON) == b'{"LocalName":"' + expected + b'"}'
    assert render("R", body, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><R><LocalName>" + expected + b"</LocalName></R>"
    )


def test_markup_in_text_is_escaped_in_xml() -> None:
    assert render("R", {"InstanceName": "<a & b>"}, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><R><InstanceName>&lt;a &amp; b&gt;</InstanceName></R>"
    )


def test_characters_xml_cannot_carry_are_replaced_not_fatal() -> None:
    # Header values are ours to echo (HostId), and a raw ASGI scope may carry any byte.
    assert render("Error", {"HostId": "a\x01b\x00"}, Format.XML) == (
        b"<?xml version='1.0' encoding='UTF-8'?><Error><HostId>a\xef\xbf\xbdb\xef\xbf\xbd</HostId></Error>"
    )


def test_content_types() -> None:
    assert CONTENT_TYPES == {
        Format.JSON: "application/json;charset=utf-8",
        Format.XML: "text/xml;charset=utf-8",
    }
