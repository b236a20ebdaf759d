from kit.migrations import run_env
from services.accounts.adapters.orm import metadata

run_env(metadata)
