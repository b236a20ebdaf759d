from kit.cli import run
from services.readings.bootstrap import SERVICE

run(SERVICE)
