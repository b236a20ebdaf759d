from kit.migrations import run_env
from services.auth.adapters.orm import metadata

run_env(metadata)
