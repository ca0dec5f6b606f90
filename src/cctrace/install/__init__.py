"""Installing cctrace's hook into Claude Code: which events a release knows, and the settings merge.

`events` maps a Claude Code release to the hook events it is known to accept (one unknown event
name disables every hook in a settings file, so we only ever register known ones). `settings`
holds the pure merge / unmerge of our entries into a settings document and the file I/O around
it (strict parse, atomic write). `claude` finds the `claude` binary and asks it its version.
The `cctrace install` / `uninstall` commands (`cctrace.cli.install`) glue these together.
"""
