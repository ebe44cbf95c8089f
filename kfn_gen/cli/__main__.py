"""`python -m kfn_gen.cli`: the same as the `kfn-gen` command."""
from kfn_gen.cli import main

main()
