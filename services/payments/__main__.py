from kit.cli import run
from services.payments.bootstrap import SERVICE

run(SERVICE)
