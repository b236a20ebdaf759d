from kit.cli import run
from services.auth.bootstrap import SERVICE

run(SERVICE)
