from kit.cli import run
from services.accounts.bootstrap import COMMANDS, NAME

run(NAME, COMMANDS)
