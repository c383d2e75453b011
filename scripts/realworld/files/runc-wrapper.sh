#!/bin/sh
# kindlab real world: runc without the capabilities this machine does not grant. A privileged
# container asks runc for every capability; where the VM withholds one (CAP_SYS_RESOURCE here),
# runc fails with "unable to apply caps: operation not permitted". This strips the withheld ones
# from the bundle's config.json (create/run) and from a --process spec (exec), then runs runc.
# Installed by scripts/realworld; @DROP@ and @RUNC@ are filled in at install time.
drop='@DROP@'
real='@RUNC@'

strip() {
  jq --argjson d "$drop" '
    def s: if type == "array" then map(select(. as $c | $d | index($c) | not)) else . end;
    if has("process") and (.process | type) == "object" and (.process.capabilities | type) == "object"
    then .process.capabilities |= with_entries(.value |= s) else . end
    | if (.capabilities | type) == "object" then .capabilities |= with_entries(.value |= s) else . end
  ' "$1" >"$1.kindlab-tmp" && cat "$1.kindlab-tmp" >"$1"
  rm -f "$1.kindlab-tmp"
}

prev=''
for a in "$@"; do
  f=''
  case "$prev" in
    --bundle | -b) f="$a/config.json" ;;
    --process | -p) f="$a" ;;
  esac
  case "$a" in
    --bundle=*) f="${a#--bundle=}/config.json" ;;
    --process=*) f="${a#--process=}" ;;
  esac
  if [ -n "$f" ] && [ -f "$f" ]; then strip "$f"; fi
  prev="$a"
done
exec "$real" "$@"
