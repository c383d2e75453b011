#!/bin/sh
# The registry stand-in's entrypoint, behaving as the official image's does: a configuration file
# as the first argument is served, a registry subcommand or flag is handed to the registry, and
# anything else (a shell, a tool) runs as given.
set -e
case "${1:-}" in
  *.yml | *.yaml) set -- registry serve "$@" ;;
  serve | garbage-collect | help | -*) set -- registry "$@" ;;
esac
exec "$@"
