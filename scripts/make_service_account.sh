#!/usr/bin/env bash
# Writes a Google service-account key file for the local sandbox: a fresh RSA key made
# with openssl, in Google's JSON layout, its token_uri pointing at the sandbox.
#   make_service_account.sh OUT.json [TOKEN_URI]
# Never use it for a real deployment; real key files come from Google Cloud.
set -euo pipefail
out=${1:?usage: make_service_account.sh OUT.json [TOKEN_URI]}
token_uri=${2:-http://127.0.0.1:8091/token}
mkdir -p "$(dirname "$out")"
key=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)
key_id=$(printf '%s' "$key" | openssl dgst -sha1 | awk '{print $NF}')
# JSON string: PEM lines joined with \n.
key_json=$(printf '%s\n' "$key" | awk '{printf "%s\\n", $0}')
umask 077
cat >"$out" <<JSON
{
  "type": "service_account",
  "project_id": "tutorbot-sandbox",
  "private_key_id": "$key_id",
  "private_key": "$key_json",
  "client_email": "tutorbot@tutorbot-sandbox.iam.gserviceaccount.com",
  "client_id": "100000000000000000001",
  "auth_uri": "http://127.0.0.1:8091/o/oauth2/auth",
  "token_uri": "$token_uri"
}
JSON
