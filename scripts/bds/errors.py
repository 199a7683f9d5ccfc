"""The one exception the library raises for problems a user can fix."""


class BdsError(Exception):
    """A problem with input or environment, explained in Italian; the CLI prints it as one line."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
