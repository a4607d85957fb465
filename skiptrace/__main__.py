"""``python -m skiptrace`` runs the command line."""

from skiptrace.cli import main

main()
