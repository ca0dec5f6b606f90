"""The statusline Claude Code shows under its prompt: cctrace's costs, in milliseconds.

`line` (standard library only, like the hook) reads the JSON Claude Code sends on stdin and
the small summary file the worker keeps (`<state dir>/statusline.json`, written by
`cctrace.report.summary`), and prints one line: this session's cost, today's, the current
5-hour block's with its burn rate, and a marker when a finding of medium or higher arrived
in this session. It never opens the store. `entry.py` is the script Claude Code runs
(`cctrace install --statusline` wires it); `cctrace statusline` is the same from the CLI.
"""
