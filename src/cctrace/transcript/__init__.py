"""Claude Code transcripts: incremental reading and record views.

`reader` turns a growing JSONL transcript into parsed records by byte offset (partial
lines, truncation and replacement handled), `records` gives typed views over Claude Code's
record shapes and merges streamed assistant records, `locate` finds subagent (sidechain)
files. Standard library only.
"""
