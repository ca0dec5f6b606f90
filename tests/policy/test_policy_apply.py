"""apply_policy: path withholding everywhere a tool's content occurs, levels, caps, opt-out."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cctrace.model.types import Observation, Trace
from cctrace.policy import Policy, apply_policy, parse_capture
from cctrace.redact.cut import cut_traces
from support import absence

HOME = "/home/u"
SECRET = "API_KEY=sk-not-a-real-key-0123456789"
TID = "a" * 32


def obs(oid: str, type_: str, name: str, parent: str | None = "r" * 16, **kw: Any) -> Observation:
    return Observation(id=oid.ljust(16, "0")[:16], trace_id=TID, parent_id=parent, type=type_,
                       name=name, start_ns=1, end_ns=2, **kw)


def tool_use(tid: str, name: str, tool_input: dict) -> dict:
    return {"type": "tool_use", "id": tid, "name": name, "input": tool_input}


def tool_result(tid: str, content: Any) -> dict:
    return {"type": "tool_result", "tool_use_id": tid, "content": content}


def make_trace(calls: list[tuple[str, str, dict, Any]], cwd: str = "/p") -> Trace:
    """One generation asking for `calls` (id, tool, input, result), one reading results."""
    gen1 = obs("g1", "generation", "claude-x", input=[{"role": "user", "content": "do it"}],
               output={"role": "assistant",
                       "content": [{"type": "text", "text": "ok"}]
                       + [tool_use(i, n, inp) for i, n, inp, _ in calls]},
               usage={"input": 10, "output": 5}, model="claude-x",
               metadata={"message_id": "m1", "thinking": "I will look"})
    tools = [obs("t" + i, "tool", n, parent=gen1.id, input=inp, output=res,
                 metadata={"tool_use_id": i, "duration_ms": 3.0,
                           "result": {"stdout": res if isinstance(res, str) else "",
                                      "filePath": inp.get("file_path", ""), "type": "text"}})
             for i, n, inp, res in calls]
    gen2 = obs("g2", "generation", "claude-x",
               input=[{"role": "user", "content": [tool_result(i, res) for i, _, _, res in calls]}],
               output={"role": "assistant", "content": [{"type": "text", "text": "done"}]},
               metadata={"message_id": "m2"}, usage={"input": 20, "output": 2})
    root = obs("r", "agent", "claude-code turn", parent=None, input="prompt text",
               output="final answer")
    return Trace(id=TID, session_id="s", name="claude-code turn", start_ns=1, end_ns=2,
                 input="prompt text", output="final answer", metadata={"cwd": cwd},
                 observations=[root, gen1, *tools, gen2])


def strings(value: Any) -> list[str]:
    if dataclasses.is_dataclass(value):
        return strings(dataclasses.asdict(value))
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(k) + strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    return []


def leaks(trace: Trace, needle: str) -> list[str]:
    """The strings of the trace holding the planted value or any 12-character piece of it
    (a partial leak is a leak)."""
    return [s for s in strings(trace) if absence.leaks(needle, s)]


def present(trace: Trace, needle: str) -> bool:
    return any(needle in s for s in strings(trace))


POLICY = Policy(home=HOME)


def test_read_of_denied_file_is_withheld_in_tool_and_generation_input():
    trace = make_trace([("tu1", "Read", {"file_path": "/p/.env"}, SECRET),
                        ("tu2", "Read", {"file_path": "/p/app.py"}, "print(1)")])
    result = apply_policy([trace], POLICY)
    assert result.traces == [trace]
    assert not leaks(trace, SECRET)
    tool = next(o for o in trace.observations if o.metadata.get("tool_use_id") == "tu1")
    assert tool.output == "[WITHHELD:path-policy .env*]"
    assert tool.input == {"file_path": "/p/.env"}  # the path is metadata and stays
    assert tool.metadata["result"]["stdout"] == "[WITHHELD:path-policy .env*]"
    assert tool.metadata["result"]["filePath"] == "/p/.env"
    gen2 = trace.observations[-1]
    blocks = gen2.input[0]["content"]
    assert blocks[0] == tool_result("tu1", "[WITHHELD:path-policy .env*]")
    assert blocks[1] == tool_result("tu2", "print(1)")  # other tools untouched
    assert result.stats["withheld_tool_calls"] == 1


def test_written_content_is_withheld_in_tool_input_and_generation_output():
    trace = make_trace([
        ("w", "Write", {"file_path": ".env", "content": SECRET}, "File created"),
        ("e", "Edit", {"file_path": "~/.aws/credentials", "old_string": SECRET,
                       "new_string": SECRET + "2"}, "edited"),
        ("m", "MultiEdit", {"file_path": "/p/k.pem", "edits": [{"old_string": SECRET}]}, "ok"),
        ("n", "NotebookEdit", {"notebook_path": "/p/secrets/a.ipynb", "new_source": SECRET},
         "ok"),
    ])
    apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)
    write = next(o for o in trace.observations if o.name == "Write")
    assert write.input == {"file_path": ".env", "content": "[WITHHELD:path-policy .env*]"}
    gen1_blocks = trace.observations[1].output["content"]
    edit_block = next(b for b in gen1_blocks if b.get("name") == "Edit")
    assert edit_block["input"]["old_string"] == "[WITHHELD:path-policy ~/.aws/**]"
    assert edit_block["input"]["file_path"] == "~/.aws/credentials"


def test_bash_read_keeps_command_and_write_withholds_it():
    trace = make_trace([("b1", "Bash", {"command": "cat .env | head -1"}, SECRET),
                        ("b2", "Bash", {"command": f"echo '{SECRET}' >> .env"}, "")])
    apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)
    b1 = next(o for o in trace.observations if o.metadata.get("tool_use_id") == "b1")
    b2 = next(o for o in trace.observations if o.metadata.get("tool_use_id") == "b2")
    assert b1.input == {"command": "cat .env | head -1"}
    assert b1.output == "[WITHHELD:path-policy .env*]"
    assert b2.input == {"command": "[WITHHELD:path-policy .env*]"}


def test_tool_use_without_observation_is_still_withheld_in_generations():
    trace = make_trace([("x", "Read", {"file_path": "/p/.env"}, SECRET)])
    trace.observations = [o for o in trace.observations if o.type != "tool"]
    apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)


def test_grep_output_lines_from_denied_files_are_withheld():
    out = f"/p/src/a.py:3:API = os.environ['X']\n/p/.env:1:{SECRET}\n/p/b.py:9:ok"
    trace = make_trace([("g", "Grep", {"pattern": "API", "path": "/p"}, out)])
    result = apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)
    grep = next(o for o in trace.observations if o.type == "tool")
    assert grep.output.splitlines() == ["/p/src/a.py:3:API = os.environ['X']",
                                        "/p/.env:[WITHHELD:path-policy .env*]", "/p/b.py:9:ok"]
    assert result.stats["withheld_lines"] >= 2  # the tool output and the generation input


def test_mcp_tool_with_path_argument():
    trace = make_trace([("mcp", "mcp__fs__read_file", {"path": "~/.ssh/id_rsa"}, SECRET)])
    apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)


def test_relative_paths_use_the_session_cwd():
    policy = parse_capture({"deny_paths": ["/srv/vault/**"]}, home=HOME)
    trace = make_trace([("r", "Read", {"file_path": "db.txt"}, SECRET)], cwd="/srv/vault")
    apply_policy([trace], policy)
    assert not leaks(trace, SECRET)
    other = make_trace([("r", "Read", {"file_path": "db.txt"}, SECRET)], cwd="/srv/open")
    apply_policy([other], policy)
    assert present(other, SECRET)


def test_a_call_resolves_where_it_ran_not_where_the_turn_began():
    # `cd secrets` in one Bash call, `cat a.txt` in the next: the Bash tool kept the cd,
    # and the call's record says so (model.tools puts it in the observation's metadata).
    trace = make_trace([("c", "Bash", {"command": "cd secrets"}, ""),
                        ("r", "Bash", {"command": "cat a.txt"}, SECRET),
                        ("g", "Bash", {"command": "grep -rn API ."},
                         f"./a.txt:1:{SECRET}\n./b.txt:2:API")])
    for o in trace.observations:
        if o.metadata.get("tool_use_id") in ("r", "g"):
            o.metadata["cwd"] = "/p/secrets/inner"
    result = apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)
    cat = next(o for o in trace.observations if o.metadata.get("tool_use_id") == "r")
    assert cat.output == "[WITHHELD:path-policy **/secrets/**]"
    assert cat.input == {"command": "cat a.txt"}
    assert trace.observations[-1].input[0]["content"][1] == tool_result(
        "r", "[WITHHELD:path-policy **/secrets/**]")
    assert result.stats["withheld_tool_calls"] == 2
    # The same calls where the turn began read ordinary files.
    other = make_trace([("r", "Bash", {"command": "cat a.txt"}, SECRET)])
    apply_policy([other], POLICY)
    assert present(other, SECRET)


def test_output_lines_resolve_in_the_folder_the_call_ran_in():
    policy = parse_capture({"deny_paths": ["/srv/vault/**"]}, home=HOME)
    out = f"db.txt:1:{SECRET}"
    trace = make_trace([("g", "Grep", {"pattern": "API"}, out)], cwd="/srv/open")
    next(o for o in trace.observations if o.type == "tool").metadata["cwd"] = "/srv/vault"
    result = apply_policy([trace], policy)
    assert not leaks(trace, SECRET)
    grep = next(o for o in trace.observations if o.type == "tool")
    assert grep.output == "db.txt:[WITHHELD:path-policy /srv/vault/**]"
    assert result.stats["withheld_lines"] == 3  # output, result metadata, next generation


def test_allow_paths_lift_a_default():
    policy = parse_capture({"allow_paths": [".env.example"]}, home=HOME)
    trace = make_trace([("r", "Read", {"file_path": ".env.example"}, "A=")])
    apply_policy([trace], policy)
    assert trace.observations[2].output == "A="


def test_metadata_level_keeps_structure_and_numbers():
    policy = Policy(level="metadata", home=HOME)
    trace = make_trace([("r", "Read", {"file_path": "/p/app.py"}, "print(1)")])
    apply_policy([trace], policy)
    assert trace.input == {"withheld": "metadata-only", "chars": len("prompt text"),
                           "sha256": hashlib.sha256(b"prompt text").hexdigest()}
    gen1, tool, gen2 = trace.observations[1:]
    assert gen1.usage == {"input": 10, "output": 5} and gen1.model == "claude-x"
    assert gen1.metadata["message_id"] == "m1"
    assert gen1.metadata["thinking"]["withheld"] == "metadata-only"
    assert gen1.output["content"][1]["name"] == "Read"
    assert gen1.output["content"][1]["input"]["withheld"] == "metadata-only"
    assert tool.name == "Read" and tool.metadata["duration_ms"] == 3.0
    assert tool.input["withheld"] == "metadata-only"
    assert gen2.input[0]["content"][0]["tool_use_id"] == "r"
    assert not leaks(trace, "print(1)")
    assert trace.metadata["cwd"] == "/p"


def test_per_tool_levels():
    policy = parse_capture({"tools": {"Bash": "metadata"}}, home=HOME)
    trace = make_trace([("b", "Bash", {"command": "make"}, "compiler output"),
                        ("r", "Read", {"file_path": "/p/a.py"}, "source text")])
    apply_policy([trace], policy)
    assert not leaks(trace, "compiler output") and not leaks(trace, "make")
    assert present(trace, "source text")
    # A tool at `full` under a metadata-only policy keeps its content everywhere.
    policy = parse_capture({"level": "metadata", "tools": {"WebFetch": "full"}}, home=HOME)
    trace = make_trace([("w", "WebFetch", {"url": "https://example.org"}, "page text"),
                        ("r", "Read", {"file_path": "/p/a.py"}, "source text")])
    apply_policy([trace], policy)
    assert len(leaks(trace, "page text")) >= 2
    assert not leaks(trace, "source text")


def test_agent_at_metadata_also_hides_the_subagent_prompt_and_answer():
    policy = parse_capture({"tools": {"Agent": "metadata"}}, home=HOME)
    trace = make_trace([("a", "Agent", {"prompt": "inspect things"}, "subagent answer")])
    tool = trace.observations[2]
    trace.observations.append(obs("sub", "agent", "subagent general-purpose", parent=tool.id,
                                  input="inspect things", output="subagent answer"))
    apply_policy([trace], policy)
    assert not leaks(trace, "inspect things") and not leaks(trace, "subagent answer")


def test_size_cap_truncates_with_hash_and_length():
    # The cap is applied after redaction (cctrace.redact.cut), never by apply_policy.
    big = "x" * 5000
    policy = Policy(max_field_kb=1, home=HOME)
    trace = make_trace([("r", "Read", {"file_path": "/p/a.py"}, big)])
    apply_policy([trace], policy)
    assert trace.observations[2].output == big
    stats = cut_traces([trace], policy.max_field_kb)
    tool = trace.observations[2]
    assert tool.output.startswith("x" * 1024)
    assert f"chars=5000 bytes=5000 sha256={hashlib.sha256(big.encode()).hexdigest()}" in tool.output
    assert len(tool.output) < 1300
    assert stats["truncated_fields"] >= 2
    unlimited = make_trace([("r", "Read", {"file_path": "/p/a.py"}, big)])
    cut_traces([unlimited], 0)
    assert unlimited.observations[2].output == big


def test_size_cap_never_splits_a_character():
    trace = make_trace([("r", "Read", {"file_path": "/p/a.py"}, "é" * 2000)])
    cut_traces([trace], 1)
    head = trace.observations[2].output.split("[TRUNCATED")[0]
    assert head == "é" * 512


def test_opt_out_and_opt_in_drop_traces_and_count():
    policy = parse_capture({"opt_out": ["~/work/secret/**"]}, home=HOME)
    kept = make_trace([], cwd="/home/u/work/open")
    result = apply_policy([make_trace([], cwd="/home/u/work/secret"), kept], policy)
    assert result.traces == [kept] and result.stats["dropped_opt_out"] == 1
    policy = parse_capture({"opt_in": ["~/oss/**"]}, home=HOME)
    result = apply_policy([make_trace([], cwd="/home/u/oss/x"), make_trace([], cwd="/p")],
                          policy)
    assert len(result.traces) == 1 and result.stats["dropped_not_opted_in"] == 1


def test_deterministic():
    def run() -> str:
        trace = make_trace([("r", "Read", {"file_path": "/p/.env"}, SECRET),
                            ("b", "Bash", {"command": "ls"}, "a\nb")])
        apply_policy([trace], Policy(level="metadata", home=HOME, max_field_kb=1))
        return json.dumps(dataclasses.asdict(trace), sort_keys=True)

    assert run() == run()


MARK = "\u00a7content\u00a7"
content = st.text(max_size=40).map(lambda s: MARK + s)
tool_names = st.sampled_from(["Read", "Bash", "Write", "Grep", "Agent", "mcp__x__y"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(tool_names, content, content), max_size=4), content, content,
       content)
def test_metadata_level_leaves_no_content(calls, prompt, answer, thinking):
    trace = make_trace([(f"id{i}", name, {"command": arg, "file_path": arg, "nested": [arg]},
                         [{"type": "text", "text": res}] if i % 2 else res)
                        for i, (name, arg, res) in enumerate(calls)])
    trace.input, trace.output = prompt, answer
    trace.observations[0].input, trace.observations[0].output = prompt, answer
    trace.observations[1].metadata["thinking"] = thinking
    trace.observations[-1].status_message = answer
    trace.observations.append(obs("ev", "event", "api_error", input=thinking,
                                  status_message=thinking, level="WARNING",
                                  metadata={"error": {"message": thinking}}))
    apply_policy([trace], Policy(level="metadata", home=HOME))
    assert not leaks(trace, MARK)


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def test_real_session_denied_file_leaves_no_content():
    from cctrace.model.build import BuildContext, build_traces
    from cctrace.transcript.reader import read_new

    path = next(p for p in (FIXTURES / "multi_turn").glob("*.jsonl") if p.name != "hooks.jsonl")
    records = read_new(str(path)).records
    traces = build_traces(records, BuildContext(final=True)).traces
    written = [o.input["content"] for t in traces for o in t.observations
               if o.name == "Write"]
    assert written, "the fixture writes a file"
    policy = parse_capture({"deny_paths": ["notes.md"]}, home=HOME)
    result = apply_policy(traces, policy)
    for text in written:
        assert not any(leaks(t, text) for t in result.traces)
    assert result.stats["withheld_tool_calls"] >= 2
