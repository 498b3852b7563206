"""`python -m tutor` runs the same CLI as `autograd-tutor`."""

from tutor.cli import main

raise SystemExit(main())
