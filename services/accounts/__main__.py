from kit.cli import run
from services.accounts.bootstrap import SERVICE

run(SERVICE)
