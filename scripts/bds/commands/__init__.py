"""One module per `bds` subcommand; each defines `register(subparsers)`."""
