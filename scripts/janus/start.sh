#!/usr/bin/env bash
# Starts one Switchboard media node: Janus (Debian package `janus`) with only AudioBridge and the
# HTTP API, on the addresses and ports given by the environment (docs/media.md, "Media nodes").
#
#   JANUS_HTTP_PORT   HTTP API port (default 8088)
#   JANUS_HTTP_BIND   address the HTTP API listens on (default 127.0.0.1: the service on this machine)
#   JANUS_RTP_PORTS   WebRTC ports, min-max (default 20000-29999)
#   JANUS_BRIDGE_PORTS plain-RTP participants' ports, min-max (default 30000-39999)
#   JANUS_WORK_DIR    its configuration, prompts and recordings (default /var/tmp/switchboard-janus-<port>)
#   JANUS_NAT_1_1     public address put in WebRTC candidates (optional)
#   JANUS_API_SECRET  secret every API request must carry (optional; give the service the same)
#   JANUS_DEBUG_LEVEL 0-7 (default 3)
#   JANUS_LIB_DIR     the package's folder with plugins/ and transports/ (found by default)
#
# Runs in the foreground (exec): a supervisor (systemd, the tests) owns the process.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${JANUS_HTTP_PORT:-8088}"
work="${JANUS_WORK_DIR:-/var/tmp/switchboard-janus-$port}"
# Where the package put its plugins and transports (Debian: /usr/lib/<triplet>/janus).
libdir="${JANUS_LIB_DIR:-}"
if [ -z "$libdir" ]; then
  for d in /usr/lib/*/janus /usr/lib/janus /opt/janus/lib/janus; do
    if [ -d "$d/plugins" ]; then libdir="$d"; break; fi
  done
fi
[ -n "$libdir" ] || { echo "janus plugins not found (install the Debian package janus, or set JANUS_LIB_DIR)" >&2; exit 1; }
mkdir -p "$work/conf" "$work/recordings" "$work/prompts"

secret_line=""
[ -n "${JANUS_API_SECRET:-}" ] && secret_line="api_secret = \"$JANUS_API_SECRET\""
nat_line=""
[ -n "${JANUS_NAT_1_1:-}" ] && nat_line="nat_1_1_mapping = \"$JANUS_NAT_1_1\""

for f in janus.jcfg janus.transport.http.jcfg janus.plugin.audiobridge.jcfg; do
  sed -e "s|@CONF_DIR@|$work/conf|" \
    -e "s|@PLUGINS_DIR@|$libdir/plugins|" \
    -e "s|@TRANSPORTS_DIR@|$libdir/transports|" \
    -e "s|@DEBUG_LEVEL@|${JANUS_DEBUG_LEVEL:-3}|" \
    -e "s|@API_SECRET_LINE@|$secret_line|" \
    -e "s|@NAT_LINE@|$nat_line|" \
    -e "s|@RTP_PORTS@|${JANUS_RTP_PORTS:-20000-29999}|" \
    -e "s|@BRIDGE_RTP_PORTS@|${JANUS_BRIDGE_PORTS:-30000-39999}|" \
    -e "s|@HTTP_BIND@|${JANUS_HTTP_BIND:-127.0.0.1}|" \
    -e "s|@HTTP_PORT@|$port|" \
    "$here/$f" >"$work/conf/$f"
done

# The prompts (queue music, hold music, voicemail greeting) as Ogg Opus, what AudioBridge's
# play_file reads: made once from the same PCM the embedded engine plays (prompts.ts).
if [ ! -s "$work/prompts/greeting.opus" ]; then
  (cd "$here/../.." && npx tsx scripts/janus/makePrompts.ts "$work/prompts")
fi

exec janus -F "$work/conf" -C "$work/conf/janus.jcfg" -o
