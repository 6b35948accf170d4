#!/bin/sh
# tests/cli/iplocation.sh: iplocation without the GeoIP database is refused
# with an error naming the missing file (SPLITE_GEOIP_DIR points elsewhere).
set -u
SPLITE="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(SPLITE_GEOIP_DIR="$tmp/none" "$SPLITE" --db :memory: search '| makeresults | eval ip="8.8.8.8" | iplocation ip' 2>&1)
rc=$?
if [ $rc -eq 0 ]; then echo "expected a failure, got: $out"; exit 1; fi
case "$out" in
  *"$tmp/none/GeoIP.dat"*) ;;
  *"built without libGeoIP"*) ;;
  *) echo "unexpected message: $out"; exit 1 ;;
esac
echo ok
