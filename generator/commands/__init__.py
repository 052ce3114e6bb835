"""One module per `portfolio` command."""
