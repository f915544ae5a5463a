# shellcheck shell=bash
# Records one call of a stub: its arguments and its environment, each NUL-separated, in
# $STUB_RECORD_DIR as NNN-NAME.argv and NNN-NAME.env, and its name in calls.log (call order).
record_call() {
    local name="$1"
    shift
    local log="$STUB_RECORD_DIR/calls.log"
    touch "$log"
    local sequence
    sequence="$(wc -l <"$log")"
    local prefix
    prefix="$(printf '%s/%03d-%s' "$STUB_RECORD_DIR" "$sequence" "$name")"
    printf '%s\n' "$name" >>"$log"
    if [ "$#" -gt 0 ]; then
        printf '%s\0' "$@" >"$prefix.argv"
    else
        : >"$prefix.argv"
    fi
    env -0 >"$prefix.env"
}
