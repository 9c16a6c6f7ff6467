"""Who may do what (``users``): roles, the sign-in configuration and the local user file. May
import ``model`` and ``store`` (the user file lives in the data directory)."""
