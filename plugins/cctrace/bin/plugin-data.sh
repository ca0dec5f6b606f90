# Sourced by bin/cctrace and bin/cctrace-plugin: where this plugin keeps its data, the state
# dir its hook records to, and one field of the runtime's status.json.
# Claude Code sets CLAUDE_PLUGIN_DATA for hooks, not for the Bash tool or slash commands;
# there the folder is found the way Claude Code names it: <config dir>/plugins/data/
# cctrace-<marketplace> (cctrace-cctrace for this repository's marketplace).
data=${CLAUDE_PLUGIN_DATA:-}
if [ -z "$data" ]; then
    conf=${CLAUDE_CONFIG_DIR:-$HOME/.claude}
    data="$conf/plugins/data/cctrace-cctrace"
    if [ ! -d "$data" ]; then
        for d in "$conf"/plugins/data/cctrace-*; do
            [ -d "$d" ] && data=$d && break
        done
    fi
fi
state=
if [ -f "$data/state-dir" ]; then
    IFS= read -r state < "$data/state-dir" || true
    case $state in /*) ;; *) state= ;; esac
fi
status_file="$data/runtime/status.json"

# status_field NAME: the string value of "NAME" in status.json (one key per line, as written).
status_field() {
    [ -f "$status_file" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
            *"\"$1\": \""*)
                v=${line#*\"$1\": \"}; v=${v%\"*}
                printf '%s\n' "$v"
                return 0 ;;
        esac
    done < "$status_file"
}
