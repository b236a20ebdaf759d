from kit.cli import run
from services.readings.bootstrap import COMMANDS, NAME

run(NAME, COMMANDS)
