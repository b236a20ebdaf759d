from kit.migrations import run_env
from services.readings.adapters.orm import metadata

run_env(metadata)
