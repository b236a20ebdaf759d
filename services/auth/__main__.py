from kit.cli import run
from services.auth.bootstrap import COMMANDS, NAME
from services.auth.config import AuthConfig

run(NAME, COMMANDS, AuthConfig)
