from kit.cli import run
from services.payments.bootstrap import COMMANDS, NAME

run(NAME, COMMANDS)
