#!/usr/bin/env bash
# Create the Secrets that deploy/k8s/base refers to but never contains:
#   kabinet-secrets       <svc>-database-url for the five services, gateway-secret-key
#   kabinet-pg-<svc>      login of each service's PostgreSQL role (CloudNativePG)
# Passwords are random; the gateway key is too unless KABINET_SECRET_KEY is set.
# Run once per install: running it again rotates every password (restart the
# Deployments afterwards). Needs kubectl and openssl.
#
# Usage: deploy/k8s/create-secrets.sh [namespace]
#        DRY_RUN=1 deploy/k8s/create-secrets.sh   # print the manifests only
set -euo pipefail

namespace=${1:-kabinet}
pg_host=kabinet-pg-rw   # the read-write Service of the CloudNativePG Cluster

emit() {
  if [[ -n ${DRY_RUN:-} ]]; then echo "---"; cat; else kubectl apply -f -; fi
}

app_args=(--from-literal="gateway-secret-key=${KABINET_SECRET_KEY:-$(openssl rand -hex 32)}")
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
