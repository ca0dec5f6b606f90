"""The scripted model server: request classification, SSE framing parsed by a minimal client,
injected errors served once, unknown paths logged."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlparse

from support.model_server import (
    AUX_TEXT,
    DEFAULT_SUMMARY,
    ModelServer,
    Reply,
    Text,
    Thinking,
    ToolUse,
    classify,
    text,
    tools,
)

TOOLS = [{"name": "Read", "input_schema": {"type": "object"}}]


def post(base: str, path: str, body: object) -> tuple[int, dict[str, str], bytes]:
    u = urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data


def parse_sse(data: bytes) -> list[tuple[str, dict]]:
    """Minimal SSE client: blank-line separated events with `event:` and `data:` fields."""
    out = []
    for chunk in data.decode().split("\n\n"):
        if not chunk.strip():
            continue
        fields = dict(line.split(": ", 1) for line in chunk.splitlines())
        out.append((fields["event"], json.loads(fields["data"])))
    return out


def fold(events: list[tuple[str, dict]]) -> dict:
    """Rebuild the message from the stream the way an SDK does."""
    msg: dict = {}
    partial: dict[int, str] = {}
    for name, d in events:
        assert d["type"] == name
        if name == "message_start":
            msg = d["message"]
        elif name == "content_block_start":
            assert d["index"] == len(msg["content"])
            msg["content"].append(d["content_block"])
        elif name == "content_block_delta":
            b, delta = msg["content"][d["index"]], d["delta"]
            if delta["type"] == "text_delta":
                b["text"] += delta["text"]
            elif delta["type"] == "thinking_delta":
                b["thinking"] += delta["thinking"]
            elif delta["type"] == "signature_delta":
                b["signature"] = delta["signature"]
            else:
                partial[d["index"]] = partial.get(d["index"], "") + delta["partial_json"]
        elif name == "content_block_stop":
            if d["index"] in partial:
                msg["content"][d["index"]]["input"] = json.loads(partial.pop(d["index"]))
        elif name == "message_delta":
            msg["stop_reason"] = d["delta"]["stop_reason"]
            msg["usage"].update(d["usage"])
    return msg


def req(*messages: dict, tools_: list | None = TOOLS, stream: bool = True) -> dict:
    body = {"model": "claude-test-1", "messages": list(messages), "stream": stream}
    if tools_:
        body["tools"] = tools_
    return body


def user(text_: str) -> dict:
    return {"role": "user", "content": [{"type": "text", "text": text_}]}


def assistant(text_: str = "x") -> dict:
    return {"role": "assistant", "content": [{"type": "text", "text": text_}]}


def test_classify_picks_marker_and_counts_assistant_messages_after_it():
    script = {"[a]": [text("1")], "[a-sub]": [text("2")]}
    body = req(user("old [a]"), assistant(), user("new [a-sub]"), assistant(), assistant())
    assert classify(body, script) == ("scripted", "[a-sub]", 2)
    assert classify(req(user("hi [a]")), script) == ("scripted", "[a]", 0)
    assert classify(req(user("hi")), script)[0] == "unscripted"
    assert classify(req(user("Warmup"), tools_=TOOLS), script)[0] == "warmup"
    assert classify(req(user("title [a]"), tools_=None), script)[0] == "aux"
    compact = user("Your task is to create a detailed summary of the conversation so far")
    assert classify(req(user("x [a]"), assistant(), compact), script)[0] == "compact"


def test_tool_results_do_not_count_as_marker_text():
    script = {"[a]": [text("1")], "[b]": [text("2")]}
    tool_result = {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t", "content": "file says [b]"}]}
    body = req(user("go [a]"), assistant(), tool_result)
    assert classify(body, script) == ("scripted", "[a]", 1)


def test_stream_carries_every_block_type_and_usage():
    reply = Reply([Thinking("hmm, let me think about this for a while"), Text("Reading both."),
                   ToolUse("Read", {"file_path": "/x/a.txt"}),
                   ToolUse("Read", {"file_path": "/x/b.txt"})])
    with ModelServer({"[m]": [reply]}) as srv:
        status, headers, data = post(srv.base_url, "/v1/messages?beta=true", req(user("[m]")))
    assert status == 200 and headers["Content-Type"] == "text/event-stream"
    events = parse_sse(data)
    names = [n for n, _ in events]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
    msg = fold(events)
    assert [b["type"] for b in msg["content"]] == ["thinking", "text", "tool_use", "tool_use"]
    assert msg["content"][0]["thinking"] == "hmm, let me think about this for a while"
    assert msg["content"][0]["signature"]
    assert msg["content"][1]["text"] == "Reading both."
    assert [b["input"]["file_path"] for b in msg["content"][2:]] == ["/x/a.txt", "/x/b.txt"]
    ids = [b["id"] for b in msg["content"][2:]]
    assert len(set(ids)) == 2 and all(i.startswith("toolu_") for i in ids)
    assert msg["stop_reason"] == "tool_use"
    assert msg["model"] == "claude-test-1" and msg["id"].startswith("msg_")
    for key in ("input_tokens", "output_tokens", "cache_read_input_tokens",
                "cache_creation_input_tokens"):
        assert isinstance(msg["usage"][key], int)


def test_same_request_gets_same_ids_so_retries_are_idempotent():
    with ModelServer({"[m]": [tools(ToolUse("Bash", {"command": "ls"}))]}) as srv:
        a = fold(parse_sse(post(srv.base_url, "/v1/messages", req(user("[m]")))[2]))
        b = fold(parse_sse(post(srv.base_url, "/v1/messages", req(user("[m]")))[2]))
    with ModelServer({"[m]": [tools(ToolUse("Bash", {"command": "ls"}))]}) as other:
        c = fold(parse_sse(post(other.base_url, "/v1/messages", req(user("[m]")))[2]))
    assert a["id"] == b["id"] and a["content"][0]["id"] == b["content"][0]["id"]
    assert c["id"] != a["id"]  # a different server (test) never collides


def test_injected_errors_are_served_once_then_the_reply():
    with ModelServer({"[m]": [text("fine", errors=[500, 529])]}) as srv:
        s1 = post(srv.base_url, "/v1/messages", req(user("[m]")))
        s2 = post(srv.base_url, "/v1/messages", req(user("[m]")))
        s3 = post(srv.base_url, "/v1/messages", req(user("[m]")))
        statuses = [r.status for r in srv.messages_requests()]
    assert (s1[0], s2[0], s3[0]) == (500, 529, 200)
    assert json.loads(s2[2])["error"]["type"] == "overloaded_error"
    assert fold(parse_sse(s3[2]))["content"][0]["text"] == "fine"
    assert statuses == [500, 529, 200]


def test_aux_warmup_compact_and_non_streaming_answers():
    with ModelServer({"[m]": [text("scripted")]}) as srv:
        _, _, aux = post(srv.base_url, "/v1/messages", req(user("title [m]"), tools_=None))
        _, _, warm = post(srv.base_url, "/v1/messages", req(user("Warmup")))
        compact = user("Your task is to create a detailed summary of the conversation so far")
        _, _, summ = post(srv.base_url, "/v1/messages", req(user("[m]"), assistant(), compact))
        _, _, plain = post(srv.base_url, "/v1/messages", req(user("[m]"), stream=False))
        kinds = [r.kind for r in srv.messages_requests()]
    assert fold(parse_sse(aux))["content"][0]["text"] == AUX_TEXT
    assert fold(parse_sse(warm))["content"][0]["text"] != "scripted"
    assert fold(parse_sse(summ))["content"][0]["text"] == DEFAULT_SUMMARY
    assert json.loads(plain)["content"][0]["text"] == "scripted"
    assert kinds == ["aux", "warmup", "compact", "scripted"]


def test_count_tokens_and_unknown_paths_are_answered_and_logged():
    with ModelServer() as srv:
        status, _, data = post(srv.base_url, "/v1/messages/count_tokens?beta=true",
                               req(user("hello")))
        missing = post(srv.base_url, "/v1/unknown", {})[0]
        unknown = srv.unknown_paths
    assert status == 200 and json.loads(data)["input_tokens"] > 0
    assert missing == 404 and unknown == ["POST /v1/unknown"]


def test_exhausted_script_answers_without_error():
    with ModelServer({"[m]": [text("only")]}) as srv:
        status, _, data = post(srv.base_url, "/v1/messages", req(user("[m]"), assistant()))
        kinds = [r.kind for r in srv.messages_requests()]
    assert status == 200 and fold(parse_sse(data))["stop_reason"] == "end_turn"
    assert kinds == ["exhausted"]
