from consult import create_app
from consult.core.memory import freeze_startup_objects

app = create_app()
freeze_startup_objects()  # after everything a worker makes at start
