#!/usr/bin/env bash
# Create the Secrets that deploy/k8s/base refers to but never contains:
#   kabinet-secrets       <svc>-database-url for the five services and the
#                         application secrets below
#   kabinet-pg-<svc>      login of each service's PostgreSQL role (CloudNativePG)
#
# kabinet-secrets keys, each from the environment variable named here, else the
# value already in the cluster, else the fallback:
#   gateway-secret-key     KABINET_SECRET_KEY      random (openssl rand -hex 32)
#   auth-code-pepper       KABINET_CODE_PEPPER     random; also seals staff TOTP secrets: never rotate it by accident
#   auth-oidc-providers    KABINET_OIDC_PROVIDERS  {} (JSON object of providers with their client secrets)
#   auth-partner-kek       KABINET_PARTNER_KEK     random (openssl rand -base64 32); seals partners' HMAC secrets:
#                                                  never rotate it by accident
#   payments-yookassa-shop-id     KABINET_YOOKASSA_SHOP_ID     empty, with a warning: payments refuses to start without
#   payments-yookassa-secret-key  KABINET_YOOKASSA_SECRET_KEY  empty, likewise
#   notify-smtp-username   KABINET_SMTP_USERNAME   empty (a relay without AUTH)
#   notify-smtp-password   KABINET_SMTP_PASSWORD   empty
#   notify-sms-login       KABINET_SMS_LOGIN       empty, with a warning: needed while KABINET_SMS_ADAPTER=smsc
#   notify-sms-password    KABINET_SMS_PASSWORD    empty, likewise
#   notify-unsubscribe-secret  KABINET_UNSUBSCRIBE_SECRET  random; signs the one-click unsubscribe links of e-mails:
#                                                  rotating it voids the links in e-mails already sent
# Database passwords are random on every run: running the script again rotates
# them (restart the Deployments afterwards) but keeps the values above.
# Needs kubectl and openssl.
#
# Usage: deploy/k8s/create-secrets.sh [namespace]
#        KABINET_SMS_LOGIN=... KABINET_SMS_PASSWORD=... deploy/k8s/create-secrets.sh
#        DRY_RUN=1 deploy/k8s/create-secrets.sh   # print the manifests only (never reads the cluster)
set -euo pipefail

namespace=${1:-kabinet}
pg_host=kabinet-pg-rw   # the read-write Service of the CloudNativePG Cluster

emit() {
  if [[ -n ${DRY_RUN:-} ]]; then echo "---"; cat; else kubectl apply -f -; fi
}

# The value of a key of kabinet-secrets as it is in the cluster now ("" if none).
current() {
  [[ -z ${DRY_RUN:-} ]] || return 0
  kubectl get secret kabinet-secrets --namespace "$namespace" --ignore-not-found \
    -o "go-template={{with index .data \"$1\"}}{{.}}{{end}}" | base64 -d
}

# setting <key> <variable> <fallback>: the variable if set, else the current value, else the fallback.
setting() {
  local value=${!2:-}
  [[ -n $value ]] || value=$(current "$1")
  [[ -n $value ]] || value=$3
  printf '%s' "$value"
}

secret_key=$(setting gateway-secret-key KABINET_SECRET_KEY "$(openssl rand -hex 32)")
code_pepper=$(setting auth-code-pepper KABINET_CODE_PEPPER "$(openssl rand -hex 32)")
oidc_providers=$(setting auth-oidc-providers KABINET_OIDC_PROVIDERS "{}")
partner_kek=$(setting auth-partner-kek KABINET_PARTNER_KEK "$(openssl rand -base64 32)")
yookassa_shop_id=$(setting payments-yookassa-shop-id KABINET_YOOKASSA_SHOP_ID "")
yookassa_secret_key=$(setting payments-yookassa-secret-key KABINET_YOOKASSA_SECRET_KEY "")
smtp_username=$(setting notify-smtp-username KABINET_SMTP_USERNAME "")
smtp_password=$(setting notify-smtp-password KABINET_SMTP_PASSWORD "")
sms_login=$(setting notify-sms-login KABINET_SMS_LOGIN "")
sms_password=$(setting notify-sms-password KABINET_SMS_PASSWORD "")
unsubscribe_secret=$(setting notify-unsubscribe-secret KABINET_UNSUBSCRIBE_SECRET "$(openssl rand -hex 32)")

if [[ $oidc_providers != \{* ]]; then
  echo "KABINET_OIDC_PROVIDERS must be a JSON object, e.g. {\"vk\": {\"issuer\": ..., \"client_id\": ...}}" >&2
  exit 1
fi
if [[ -n $smtp_username && -z $smtp_password ]]; then
  echo "KABINET_SMTP_USERNAME needs KABINET_SMTP_PASSWORD" >&2
  exit 1
fi
if [[ -z $yookassa_shop_id || -z $yookassa_secret_key ]]; then
  echo "warning: no KABINET_YOOKASSA_SHOP_ID/KABINET_YOOKASSA_SECRET_KEY: payments refuses to start without them" >&2
fi
if [[ -z $sms_login || -z $sms_password ]]; then
  echo "warning: no KABINET_SMS_LOGIN/KABINET_SMS_PASSWORD: notify refuses to start while KABINET_SMS_ADAPTER=smsc" >&2
fi

app_args=(
  --from-literal="gateway-secret-key=${secret_key}"
  --from-literal="auth-code-pepper=${code_pepper}"
  --from-literal="auth-oidc-providers=${oidc_providers}"
  --from-literal="auth-partner-kek=${partner_kek}"
  --from-literal="payments-yookassa-shop-id=${yookassa_shop_id}"
  --from-literal="payments-yookassa-secret-key=${yookassa_secret_key}"
  --from-literal="notify-smtp-username=${smtp_username}"
  --from-literal="notify-smtp-password=${smtp_password}"
  --from-literal="notify-sms-login=${sms_login}"
  --from-literal="notify-sms-password=${sms_password}"
  --from-literal="notify-unsubscribe-secret=${unsubscribe_secret}"
)
for svc in auth accounts readings payments notify; do
  role="kabinet_${svc}"
  password=$(openssl rand -hex 24)
  kubectl create secret generic "kabinet-pg-${svc}" --namespace "$namespace" \
    --type=kubernetes.io/basic-auth \
    --from-literal=username="$role" --from-literal=password="$password" \
    --dry-run=client -o yaml | emit
  app_args+=(--from-literal="${svc}-database-url=postgresql+psycopg://${role}:${password}@${pg_host}:5432/${role}")
done

kubectl create secret generic kabinet-secrets --namespace "$namespace" \
  "${app_args[@]}" --dry-run=client -o yaml | emit
