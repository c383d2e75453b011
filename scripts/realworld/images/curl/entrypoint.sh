#!/bin/sh
# kindlab stand-in for the curl image's entrypoint: `image -s URL` runs `curl -s URL`,
# `image curl -s URL` (or any other command) runs that command.
set -e
if [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1; then
  set -- curl "$@"
fi
exec "$@"
