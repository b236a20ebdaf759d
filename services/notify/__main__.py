from kit.cli import run
from services.notify.bootstrap import SERVICE

run(SERVICE)
