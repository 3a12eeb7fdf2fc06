#!/usr/bin/env bash
# Replays a corpus of malformed input against a running eenplan-service over HTTP: truncated and
# deeply nested JSON, huge strings and numbers in every field, invalid UTF-8, NUL bytes, duplicate
# keys, wrong types, header injection, oversize bodies, through the signal endpoint and every
# inbound adapter. Every answer must be 4xx application/problem+json and /healthz must answer 200
# after every case. Prints the number of cases; exits non-zero on the first failure.
# Usage: malformed_corpus.sh <base-url> <source-id> <whsec_secret> <notification-authorization>
set -euo pipefail
base=$1 source=$2 secret=$3 notification_auth=$4
host_port=${base#http://}
host=${host_port%%:*} port=${host_port##*:}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key_hex=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
cases=0
raw_notes=()

fail() { echo "FAIL [$1]: $2" >&2; exit 1; }

alive() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/healthz") || code=000
  [[ $code == 200 ]] || fail "$1" "the service did not answer /healthz afterwards ($code)"
}

# check <name> <status> <content-type>
check() {
  local name=$1 status=$2 type=$3
  # An oversize body may be refused by closing the connection while curl is still sending; then
  # curl sees no answer. Counted apart and listed.
  if [[ $status == 000 && $name == *"2 MiB body"* ]]; then
    alive "$name"; raw_notes+=("$name: connection closed while the body was being sent"); cases=$((cases + 1)); return
  fi
  [[ $status =~ ^4[0-9][0-9]$ ]] || fail "$name" "answered $status"
  [[ $type == application/problem+json* ]] || fail "$name" "answered $status with content type '$type'"
  alive "$name"
  cases=$((cases + 1))
}

# signed <name> <path> <body-file>: a correctly signed Standard Webhooks POST.
signed() {
  local name=$1 path=$2 file=$3 id ts sig out
  id="corpus_$cases"
  ts=$(date +%s)
  sig=$({ printf '%s.%s.' "$id" "$ts"; cat "$file"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64 -w0)
  out=$(curl -s -o "$work/answer" -w '%{http_code} %{content_type}' --max-time 30 -X POST "$base$path" \
        -H 'Content-Type: application/json' -H "webhook-id: $id" -H "webhook-timestamp: $ts" \
        -H "webhook-signature: v1,$sig" --data-binary "@$file") || out="000 -"
  check "$name $path" "${out%% *}" "${out#* }"
}

notify() {
  local name=$1 file=$2 out
  out=$(curl -s -o "$work/answer" -w '%{http_code} %{content_type}' --max-time 30 -X POST \
        "$base/v1/sources/$source/zgw-notifications" -H 'Content-Type: application/json' \
        -H "Authorization: $notification_auth" --data-binary "@$file") || out="000 -"
  check "$name zgw-notifications" "${out%% *}" "${out#* }"
}

# raw <name> <request-file>: bytes straight onto a TCP connection; the first status line counts.
# Requests the HTTP layer itself refuses (before any handler: a bare CR, a header over Poco's
# limits) are answered 400 problem+json by the server (service/http/http_server.cpp) like any other;
# one answered by closing the connection is counted apart and listed, not failed.
raw() {
  local name=$1 file=$2 answer status type
  answer=$(timeout 15 bash -c "exec 3<>/dev/tcp/$host/$port; cat '$file' >&3; timeout 10 cat <&3" 2>/dev/null || true)
  status=$(printf '%s' "$answer" | head -1 | awk '{print $2}' || true)
  type=$(printf '%s' "$answer" | tr -d '\r' | { grep -i '^content-type:' || true; } | head -1 | cut -d' ' -f2-)
  if [[ -z $status ]]; then
    alive "$name"; raw_notes+=("$name: connection closed without an answer"); cases=$((cases + 1)); return
  fi
  check "$name" "$status" "$type"
}

bsn=111222333
declare -A valid=(
  ["/v1/sources/$source/signals"]='{"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":"'$bsn'","attributes":{"family_name":"Jansen","given_names":"Piet","birth_date":"2014-03-02","postcode":"2511 AB"}},"school":{"brin":"12AB","vestiging":"01","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd","from":"2026-11-16","to":"2026-11-20","hours":12.5}}'
  ["/v1/sources/$source/las/parnassys"]='{"registratieId":"PS-1","geregistreerdOp":"2026-11-20T08:30:00+01:00","school":{"brinnummer":"12AB"},"leerling":{"bsn":"'$bsn'","leerlingnummer":"4711"},"verzuim":{"soort":"Ongeoorloofd verzuim","datumVan":"16-11-2026","datumTot":"20-11-2026","aantalUren":12.5}}'
  ["/v1/sources/$source/las/magister"]='{"Id":98765,"Tijdstip":"2026-11-20T08:30:00Z","School":{"Brin":"12AB"},"Leerling":{"Stamnummer":"1234","Bsn":"'$bsn'"},"Absentie":{"Begin":"2026-11-16T08:30:00","Einde":"2026-11-20T15:00:00","Geoorloofd":false,"Reden":{"Code":"O","Omschrijving":"Afwezig"},"Lesuren":12}}'
  ["/v1/sources/$source/las/somtoday"]='{"id":555,"aangemaaktOp":"2026-11-20T08:30:00.000+01:00","vestiging":{"brinVestigingsnummer":"12AB00"},"leerling":{"leerlingnummer":123,"bsn":"'$bsn'"},"absentieReden":{"afkorting":"ZK","omschrijving":"Ziek","geoorloofd":true},"beginDatumTijd":"2026-11-16T08:30:00.000+01:00","lesuren":10}'
  ["/v1/sources/$source/brp"]='{"mutatie":"verhuizing","tijdstip":"2026-11-02T10:00:00Z","burgerservicenummer":"'$bsn'","gemeenteVanInschrijving":{"code":"0603"},"datumAanvangAdreshouding":"2026-11-01"}'
)
huge_digits=$(head -c 100000 /dev/zero | tr '\0' '1')
deep=$(head -c 100000 /dev/zero | tr '\0' '[')

# Whole-body cases, then every string and number value replaced, for one body; `send` posts it.
corpus() {
  local label=$1 send=$2 body=$3 f="$work/body" n len
  len=${#body}
  for cut in 1 $((len / 4)) $((len / 2)) $((len - 1)); do printf '%s' "${body:0:cut}" >"$f"; $send "$label truncated at $cut" "$f"; done
  printf '' >"$f"; $send "$label empty" "$f"
  printf '%s' "$deep" >"$f"; $send "$label 100000 brackets" "$f"
  printf '%s%s' "$(head -c 40 /dev/zero | tr '\0' '[')" "$body" >"$f"; $send "$label nested 40 deep" "$f"
  printf '%s' "$huge_digits" >"$f"; $send "$label bare huge number" "$f"
  printf '[%s]' "$body" >"$f"; $send "$label array" "$f"
  printf '"%s"' "$body" >"$f"; $send "$label string" "$f"
  printf 'null' >"$f"; $send "$label null" "$f"
  printf '%s\xff' "$body" >"$f"; $send "$label trailing invalid UTF-8" "$f"
  printf '%s\0' "$body" >"$f"; $send "$label trailing NUL" "$f"
  printf '\xef\xbb\xbf%s' "$body" >"$f"; $send "$label byte order mark" "$f"
  local first
  first=$(printf '%s' "$body" | grep -o '^{"[^"]*":[^,]*')
  printf '%s,%s' "$first" "${body:1}" >"$f"; $send "$label duplicate key" "$f"
  head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$f"; printf '%s' "$body" >>"$f"; $send "$label 2 MiB body" "$f"
  # Every ':"string"' and ':number' value in turn.
  local offsets value_kind offset match rest
  while IFS=: read -r offset match; do
    rest=${body:offset}
    match=${rest%%[,\}\]]*}         # ':"..."' or ':123.5'
    local head=${body:0:offset} tail=${body:offset+${#match}}
    # (A wrong type is left to the signal schema: a mapper may rightly ignore a field it does not use.)
    for value_kind in huge_string huge_number nan deep nul_escape nul_byte bad_utf8 surrogate overlong $extra_kinds; do
      case $value_kind in
        huge_string) printf '%s:"%s"%s' "$head" "$huge_digits" "$tail" ;;
        huge_number) printf '%s:%s%s' "$head" "$huge_digits" "$tail" ;;
        nan) printf '%s:1e99999%s' "$head" "$tail" ;;
        deep) printf '%s:%s%s' "$head" "${deep:0:5000}" "$tail" ;;
        nul_escape) printf '%s:"a\\u0000b"%s' "$head" "$tail" ;;
        nul_byte) printf '%s:"a\0b"%s' "$head" "$tail" ;;
        bad_utf8) printf '%s:"\xff\xfe"%s' "$head" "$tail" ;;
        surrogate) printf '%s:"\xed\xa0\x80"%s' "$head" "$tail" ;;
        wrong_type) printf '%s:{"x":[true]}%s' "$head" "$tail" ;;
        overlong) printf '%s:"\xc0\xaf"%s' "$head" "$tail" ;;
      esac >"$f"
      $send "$label value at byte $offset <- $value_kind" "$f"
    done
  done < <(printf '%s' "$body" | grep -ob ':"[^"]*"\|:-\?[0-9][0-9.]*' | sed 's/:.*//' | awk '{print $1 ":"}')
}

for path in "${!valid[@]}"; do
  post_to() { signed "$1" "$current_path" "$2"; }
  current_path=$path
  extra_kinds=""; [[ $path == */signals ]] && extra_kinds=wrong_type
  corpus "$path" post_to "${valid[$path]}"
done

notification='{"kanaal":"zaken","hoofdObject":"https://elsewhere.example/zaken/1","resource":"rol","resourceUrl":"https://elsewhere.example/rollen/1","actie":"create","aanmaakdatum":"2026-11-23T10:00:00Z","kenmerken":{"zaaktype":"https://elsewhere.example/zaaktypen/1"}}'
notify_with() { notify "$1" "$2"; }
for cut in 1 40 100; do printf '%s' "${notification:0:cut}" >"$work/n"; notify "notification truncated at $cut" "$work/n"; done
printf '%s' "$deep" >"$work/n"; notify "notification brackets" "$work/n"
printf '{"kanaal":"%s"}' "$huge_digits" >"$work/n"; notify "notification huge kanaal" "$work/n"
printf '{"kanaal":"zaken\0"}' >"$work/n"; notify "notification NUL" "$work/n"
printf '{"kanaal":"\xff"}' >"$work/n"; notify "notification invalid UTF-8" "$work/n"

# Raw requests: injected headers, a lying Content-Length, an oversize header.
path="/v1/sources/$source/signals"
printf 'POST %s HTTP/1.1\r\nHost: x\r\nwebhook-id: a\rX-Injected: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' "$path" >"$work/r"
raw "bare CR in a header" "$work/r"
printf 'POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{}' "$path" >"$work/r"
raw "two Content-Lengths" "$work/r"
printf 'POST %s HTTP/1.1\r\nHost: x\r\nwebhook-id: %s\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' "$path" "$(head -c 20000 /dev/zero | tr '\0' 'a')" >"$work/r"
raw "20 kB header" "$work/r"
printf 'POST %s HTTP/1.1\r\nHost: x\r\nwebhook-id: a\r\nwebhook-timestamp: -9223372036854775808\r\nwebhook-signature: v1,AAAA\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' "$path" >"$work/r"
raw "INT64_MIN timestamp" "$work/r"
printf 'POST %s HTTP/1.1\r\nHost: x\r\nwebhook-id: a\r\nwebhook-timestamp: 99999999999999999999999\r\nwebhook-signature: v1,AAAA\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' "$path" >"$work/r"
raw "huge timestamp" "$work/r"

for note in "${raw_notes[@]}"; do echo "note: $note"; done
echo "malformed corpus: $cases cases, every answer 4xx problem+json, service up after each"
