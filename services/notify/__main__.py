from kit.cli import run
from services.notify.bootstrap import COMMANDS, NAME
from services.notify.config import NotifyConfig

run(NAME, COMMANDS, NotifyConfig)
