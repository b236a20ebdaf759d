from kit.migrations import run_env
from services.notify.adapters.orm import metadata

run_env(metadata)
