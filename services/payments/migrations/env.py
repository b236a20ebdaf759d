from kit.migrations import run_env
from services.payments.adapters.orm import metadata

run_env(metadata)
